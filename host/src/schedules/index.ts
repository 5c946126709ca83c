export { outcomeOf, type ScheduleRunner, type ScheduleRunnerOptions, startScheduleRunner } from './runner.js';
export { createScheduleService, type ScheduleChange, type ScheduleService } from './service.js';
export { type Clock, localTime, resolveInstant, systemClock } from './time.js';
