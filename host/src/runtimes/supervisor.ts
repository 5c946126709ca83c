import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Logger } from 'pino';
import { hostErrors } from '../errors.js';
import type { RuntimeStats, RuntimeStatus } from './types.js';

export interface BackoffOptions {
  /** First restart delay; doubles per consecutive crash. Default 100 ms. */
  baseMs?: number;
  /** Cap of the restart delay. Default 30 s. */
  maxMs?: number;
  /** Extra random delay, as a fraction of the delay (0..1, only upward so delays never shrink). Default 0.1. */
  jitter?: number;
  /** Crashes within `windowMs` that mark the plugin degraded. Default 3. */
  degradeAfter?: number;
  /** Default 5 minutes. */
  windowMs?: number;
  /** Time up without a crash after which backoff resets and a degraded plugin is ready again. Default 60 s. */
  calmMs?: number;
  /** How long one start (spawn + MCP initialize + checks) may take. Default 15 s (the host passes each plugin's own, see plugin-limits.ts). */
  startTimeoutMs?: number;
}

export const defaultBackoff: Required<BackoffOptions> = {
  baseMs: 100,
  maxMs: 30_000,
  jitter: 0.1,
  degradeAfter: 3,
  windowMs: 5 * 60_000,
  calmMs: 60_000,
  startTimeoutMs: 15_000,
};

/** A live connection to a plugin process (or server). */
export interface Session {
  client: Client;
  /** Registers the listener called (synchronously) when the session ends by itself: the process died. */
  onEnded(listener: (info: unknown) => void): void;
  close(): Promise<void>;
  pid?: number;
}

export type SupervisorStats = RuntimeStats;

/** The restart delay after the n-th consecutive failure (n >= 1): exponential, capped, jittered upward. */
export function backoffDelay(n: number, b: Required<BackoffOptions>, random: () => number = Math.random): number {
  const raw = b.baseMs * 2 ** Math.min(n - 1, 40);
  return Math.round(Math.min(b.maxMs, raw * (1 + b.jitter * random())));
}

/**
 * Keeps one session alive: when it ends unexpectedly, in-flight calls have already failed (the
 * MCP client rejects them on close), and it restarts with exponential backoff; after
 * `degradeAfter` crashes within `windowMs` the status is `degraded` until a restart stays up
 * for `calmMs`.
 */
export class Supervisor {
  private session: Session | undefined;
  private state: RuntimeStatus = 'stopped';
  private stopped = false;
  private crashes = 0;
  private restarts = 0;
  private consecutive = 0;
  private crashTimes: number[] = [];
  private readonly delays: number[] = [];
  private restartTimer: NodeJS.Timeout | undefined;
  private calmTimer: NodeJS.Timeout | undefined;
  private readonly b: Required<BackoffOptions>;

  constructor(
    private readonly opts: {
      pluginId: string;
      connect: () => Promise<Session>;
      logger: Logger;
      backoff?: BackoffOptions;
      onStatus?: (status: RuntimeStatus, info?: { crashes: number; nextDelayMs?: number }) => void;
    },
  ) {
    this.b = { ...defaultBackoff, ...opts.backoff };
  }

  get status(): RuntimeStatus {
    return this.state;
  }

  get current(): Session | undefined {
    return this.session;
  }

  private setStatus(status: RuntimeStatus, nextDelayMs?: number): void {
    const changed = status !== this.state;
    this.state = status;
    if (changed || nextDelayMs !== undefined)
      this.opts.onStatus?.(status, { crashes: this.crashes, ...(nextDelayMs === undefined ? {} : { nextDelayMs }) });
  }

  /**
   * First start; a failure here is a load failure, not supervised here: the host's plugin startup
   * (plugin-startup.ts) retries it with the same backoff and a doubled start timeout.
   */
  async start(): Promise<Session> {
    this.stopped = false;
    this.setStatus('starting');
    try {
      const session = await this.opts.connect();
      this.adopt(session);
      this.setStatus('ready');
      return session;
    } catch (err) {
      this.setStatus('stopped');
      throw err;
    }
  }

  /** The live session's client, or NH_PLUGIN_DEGRADED / NH_PLUGIN_UNAVAILABLE when it is down. */
  acquire(): Session {
    if (this.session) return this.session;
    if (this.state === 'degraded')
      throw hostErrors.create('NH_PLUGIN_DEGRADED', `plugin ${this.opts.pluginId} keeps crashing; it is restarting with backoff`, {
        details: { plugin: this.opts.pluginId, crashes: this.crashes },
      });
    throw hostErrors.create('NH_PLUGIN_UNAVAILABLE', `plugin ${this.opts.pluginId} is not running (${this.state})`, {
      details: { plugin: this.opts.pluginId, status: this.state },
    });
  }

  stats(): SupervisorStats {
    return {
      status: this.state,
      crashes: this.crashes,
      restarts: this.restarts,
      consecutiveFailures: this.consecutive,
      restartDelaysMs: [...this.delays],
      pid: this.session?.pid,
    };
  }

  private adopt(session: Session): void {
    this.session = session;
    session.onEnded((info) => {
      if (this.session !== session || this.stopped) return;
      this.session = undefined;
      this.opts.logger.warn({ plugin: this.opts.pluginId, exit: info }, 'plugin process exited unexpectedly');
      this.failed();
    });
  }

  /** A crash or a failed restart: count it and schedule the next attempt. */
  private failed(): void {
    clearTimeout(this.calmTimer);
    const now = Date.now();
    this.crashes++;
    this.consecutive++;
    this.crashTimes = [...this.crashTimes.filter((t) => now - t < this.b.windowMs), now];
    const delay = backoffDelay(this.consecutive, this.b);
    this.delays.push(delay);
    const status = this.crashTimes.length >= this.b.degradeAfter ? 'degraded' : this.state === 'degraded' ? 'degraded' : 'restarting';
    this.setStatus(status, delay);
    this.restartTimer = setTimeout(() => void this.restart(), delay);
    this.restartTimer.unref();
  }

  private async restart(): Promise<void> {
    if (this.stopped) return;
    let session: Session;
    try {
      session = await this.opts.connect();
    } catch (err) {
      if (this.stopped) return;
      this.opts.logger.warn({ plugin: this.opts.pluginId, err }, 'plugin restart failed');
      this.failed();
      return;
    }
    if (this.stopped) {
      await session.close();
      return;
    }
    this.restarts++;
    this.adopt(session);
    if (this.state !== 'degraded') this.setStatus('ready');
    this.calmTimer = setTimeout(() => {
      this.consecutive = 0;
      if (this.state === 'degraded') this.setStatus('ready');
    }, this.b.calmMs);
    this.calmTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    clearTimeout(this.calmTimer);
    const session = this.session;
    this.session = undefined;
    this.setStatus('stopped');
    await session?.close();
  }
}
