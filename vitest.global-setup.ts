import { rmSync } from 'node:fs';

/** Test roots from earlier runs (host/test/.tmp) are removed once, before the suite. */
export default function setup() {
  rmSync(new URL('./host/test/.tmp', import.meta.url), { recursive: true, force: true });
}
