import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

/** --cpu-prof DIR: a V8 CPU profile of `fn` written to DIR/<name>.cpuprofile; without a DIR, `fn` alone. */
export function createProfiler(profDir: string | undefined) {
  return async function profiled<T>(name: string, fn: () => Promise<T>): Promise<T> {
    if (!profDir) return fn();
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    try {
      return await fn();
    } finally {
      const { profile } = await session.post('Profiler.stop');
      mkdirSync(profDir, { recursive: true });
      writeFileSync(join(profDir, `${name}.cpuprofile`), JSON.stringify(profile));
      session.disconnect();
    }
  };
}

export type Profiled = ReturnType<typeof createProfiler>;
