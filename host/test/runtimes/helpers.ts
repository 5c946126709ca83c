import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type PluginManifest, PluginManifestSchema } from '@neonhub/schemas';
import pino from 'pino';
import type { Invocation } from '../../src/runtimes/types.js';

export const fixturesDir = resolve(import.meta.dirname, '../fixtures/runtime-plugins');

export function fixture(name: string): { manifest: PluginManifest; dir: string } {
  const dir = join(fixturesDir, name);
  return { manifest: PluginManifestSchema.parse(JSON.parse(readFileSync(join(dir, 'plugin.json'), 'utf8'))), dir };
}

export function tempDir(prefix = 'nh-rt-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A logger that keeps every record, for assertions and for debugging a failing test. */
export function memoryLogger(): { logger: pino.Logger; records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void records.push(JSON.parse(line)) });
  return { logger, records };
}

export function invocation(tool: string, input: unknown, opts: { timeoutMs?: number; secrets?: Record<string, string> } = {}): Invocation {
  const callId = randomUUID();
  return {
    tool,
    input,
    timeoutMs: opts.timeoutMs ?? 5000,
    context: {
      workspace: { id: 'ws-1', slug: 'acme' },
      actor: { type: 'user', id: 'user-1', role: 'owner' },
      config: { tone: 'friendly' },
      secrets: { get: async (name) => opts.secrets?.[name] },
      idempotencyKey: `idem-${callId}`,
      callId,
      callTool: async () => {
        throw new Error('no callTool in tests');
      },
    },
  };
}

/** Resolves when `check` returns true, polling; rejects after `ms`. */
export async function waitFor(check: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
