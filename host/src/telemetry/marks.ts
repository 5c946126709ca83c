/**
 * Step marks on a tool call's path (MCP dispatch, hooks, the stdio request and answer): nothing happens unless a sink
 * is installed — `bench/trust/run.ts --trace-mcp` installs one to see where a sequential call spends its time.
 */
let sink: ((step: string) => void) | undefined;

/** Installs (or, without an argument, removes) the function every mark is handed to. */
export function setStepMarkSink(fn?: (step: string) => void): void {
  sink = fn;
}

/** Marks that the call reached `step` (one check when no sink is installed). */
export function markStep(step: string): void {
  if (sink) sink(step);
}
