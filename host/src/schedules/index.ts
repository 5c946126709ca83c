export { outcomeOf, type ScheduleRunner, type ScheduleRunnerOptions, type SystemTask, startScheduleRunner } from './runner.js';
export { createScheduleService, type ScheduleChange, type ScheduleService } from './service.js';
export { SYSTEM_OWNER } from './store.js';
export { type Clock, localTime, resolveInstant, systemClock } from './time.js';
