export { createMemoryAccess, type MemoryCall } from '../contracts/memory.js';
export { type CapturedLog, createCaptureLogger, type LogLevel } from './capture-logger.js';
export {
  type ConformanceCheck,
  type ConformanceCheckId,
  type ConformanceIssue,
  type ConformanceSubject,
  checkConformance,
  conformanceChecks,
  formatIssues,
  importSpecifiers,
  loadConformanceSubject,
} from './conformance.js';
export { type CallOptions, createHarness, type Harness, type HarnessOptions, type HookEventInput } from './harness.js';
export { checkMcpWorkspaceIsolation, type McpIsolationProbe } from './mcp-isolation.js';
export { createMemoryResults, type MemoryResults } from './memory-results.js';
export { createMemoryScheduler, type MemoryScheduler } from './memory-scheduler.js';
export { runConformance } from './run-conformance.js';
export {
  type AllocationInput,
  type Counts,
  SIMULATED_KINDS,
  type SimulateCampaignWeekOptions,
  type SimulatedAnomaly,
  type SimulatedDay,
  type SimulatedEvent,
  type SimulatedKind,
  type SimulatedVariant,
  type SimulatedWeek,
  simulateCampaignWeek,
  simulatedDailyRows,
} from './simulate-campaign.js';
export { type Serve, workspaceReachesTools } from './workspace-check.js';
