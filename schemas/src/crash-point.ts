/**
 * Failpoints for crash tests. `crashPoint('orchestrator.approve.recorded')` does nothing unless the environment
 * variable `NEONHUB_CRASH_AT` lists that name (comma-separated): then the process kills itself with SIGKILL right
 * there, as `kill -9` would at that instant. The crash tests use them to stop a host at each point between an
 * approval, the call it allows and storing the result (docs/runs.md lists the points).
 */
export function crashPoint(name: string): void {
  if (typeof process === 'undefined') return;
  const at = process.env.NEONHUB_CRASH_AT;
  if (!at?.split(',').includes(name)) return;
  process.kill(process.pid, 'SIGKILL');
}
