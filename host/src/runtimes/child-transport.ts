import { type ChildProcess, spawn } from 'node:child_process';
import { deserializeMessage, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { markStep } from '../telemetry/marks.js';
import { LineReader } from './line-reader.js';
import { DEFAULT_RESULT_MAX_BYTES, tooLargeResponse } from './result-limit.js';

export interface ChildSpec {
  command: string;
  args: string[];
  /** The child's whole environment: nothing of the host's is added. */
  env: Record<string, string>;
  cwd?: string;
  /** Largest message (one line) the child may send; past it the stream is cut off (default 4 MiB). */
  maxMessageBytes?: number;
}

/** The child sent a message over the limit: what was received, and the requests that were answered with an error. */
export interface StreamOverflow {
  limitBytes: number;
  receivedBytes: number;
  requestIds: (string | number)[];
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The longest stderr line the host keeps (characters); a longer one is cut. */
export const STDERR_LINE_MAX = 16 * 1024;
const cutLine = (line: string) =>
  line.length > STDERR_LINE_MAX ? `${line.slice(0, STDERR_LINE_MAX)}… (cut at ${STDERR_LINE_MAX} characters)` : line;

/** Children still running, killed if the host process exits without stopping them. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of live) c.kill('SIGKILL');
  });
}

/**
 * An MCP client transport over a child process's stdio, with an exact environment (the SDK's
 * StdioClientTransport always adds HOME, PATH, USER, ... from the host). stderr is split into
 * lines for the caller; `exited` settles once the process is gone and its output drained.
 */
export class ChildStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private child: ChildProcess | undefined;
  private readonly reader: LineReader;
  /** Requests sent and not yet answered: answered by the host when the stream is cut off. */
  private readonly inFlight = new Set<string | number>();
  private broken: StreamOverflow | undefined;
  private stderrRest = '';
  private stderrSkipping = false;
  private resolveExit!: (exit: ChildExit) => void;
  private readonly exitListeners: ((exit: ChildExit) => void)[] = [];
  /** Settles when the child has exited and its stdio closed (never rejects). */
  readonly exited: Promise<ChildExit> = new Promise((resolve) => {
    this.resolveExit = resolve;
  });

  constructor(
    private readonly spec: ChildSpec,
    private readonly onStderrLine: (line: string) => void = () => {},
  ) {
    this.reader = new LineReader(spec.maxMessageBytes ?? DEFAULT_RESULT_MAX_BYTES);
  }

  /** Set once the child sent a message over the limit (and was killed). */
  get overflow(): StreamOverflow | undefined {
    return this.broken;
  }

  /** Called synchronously when the child is gone, before the MCP client fails its pending requests. */
  onExit(listener: (exit: ChildExit) => void): void {
    this.exitListeners.push(listener);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): Promise<void> {
    if (this.child) throw new Error('ChildStdioTransport already started');
    return new Promise((resolve, reject) => {
      const child = spawn(this.spec.command, this.spec.args, {
        env: this.spec.env,
        cwd: this.spec.cwd,
        stdio: ['pipe', 'pipe', 'pipe'],
        shell: false,
      });
      this.child = child;
      child.once('error', (err) => {
        reject(err);
        this.onerror?.(err);
      });
      child.once('spawn', () => {
        track(child);
        resolve();
      });
      child.once('close', (code, signal) => {
        const exit = { code, signal };
        // listeners first (synchronously), so a supervisor knows before pending requests reject
        for (const listener of this.exitListeners) listener(exit);
        this.resolveExit(exit);
        this.onclose?.();
      });
      child.stdin?.on('error', (err) => this.onerror?.(err));
      child.stdout?.on('data', (chunk: Buffer) => this.receive(chunk));
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (text: string) => this.receiveStderr(text));
    });
  }

  /** stderr split into lines for the log; a line past STDERR_LINE_MAX is cut there and the rest of it dropped (never buffered). */
  private receiveStderr(text: string): void {
    let chunk = text;
    if (this.stderrSkipping) {
      const nl = chunk.indexOf('\n');
      if (nl === -1) return;
      this.stderrSkipping = false;
      chunk = chunk.slice(nl + 1);
    }
    const lines = (this.stderrRest + chunk).split('\n');
    this.stderrRest = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) this.onStderrLine(cutLine(line));
    if (this.stderrRest.length > STDERR_LINE_MAX) {
      this.onStderrLine(cutLine(this.stderrRest));
      this.stderrRest = '';
      this.stderrSkipping = true;
    }
  }

  private receive(chunk: Buffer): void {
    markStep('stdio.read');
    if (this.broken) return;
    const { lines, overflow } = this.reader.push(chunk);
    for (const line of lines) {
      if (!line.trim()) continue;
      let message: JSONRPCMessage;
      try {
        message = deserializeMessage(line);
      } catch (err) {
        this.onerror?.(err as Error);
        continue;
      }
      if ('id' in message && !('method' in message) && message.id !== undefined) this.inFlight.delete(message.id);
      this.onmessage?.(message);
    }
    if (overflow !== undefined) this.cutOff(overflow);
  }

  /**
   * A message over the limit: the stream cannot be resynchronised, so every request in flight is
   * answered with a too-large error (the host cannot tell whose message it was) and the child is
   * killed; a supervisor restarts it.
   */
  private cutOff(receivedBytes: number): void {
    const limitBytes = this.reader.maxBytes;
    this.broken = { limitBytes, receivedBytes, requestIds: [...this.inFlight] };
    this.child?.stdout?.destroy();
    this.kill('SIGKILL');
    this.onerror?.(new Error(`the child sent a message over ${limitBytes} bytes; it was cut off and killed`));
    for (const id of this.inFlight) this.onmessage?.(tooLargeResponse(id, limitBytes, receivedBytes));
    this.inFlight.clear();
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin || stdin.destroyed || this.broken) return Promise.reject(new Error('child process is not running'));
    if ('method' in message && 'id' in message) this.inFlight.add(message.id);
    else if ('method' in message && message.method === 'notifications/cancelled') {
      const id = (message.params as { requestId?: string | number } | undefined)?.requestId;
      if (id !== undefined) this.inFlight.delete(id);
    }
    if ('method' in message && message.method === 'tools/call') markStep('stdio.write');
    return new Promise((resolve) => {
      if (stdin.write(serializeMessage(message))) resolve();
      else stdin.once('drain', resolve);
    });
  }

  /** Ends stdin, then SIGTERM, then SIGKILL after `graceMs`; resolves once the child is gone. */
  async close(graceMs = 2000): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.stdin?.end();
    const term = setTimeout(() => child.kill('SIGTERM'), Math.min(200, graceMs));
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(term);
    clearTimeout(kill);
  }

  /** Kills the child at once (a call ignored its cancellation, or the host is going down). */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.child?.kill(signal);
  }
}
