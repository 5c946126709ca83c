export { createPacer, type DeliveryPacer, windowsOf } from './rate-limit.js';
export { type BackoffOptions, backoffDelay, classify, errorJson, type Verdict } from './retry.js';
export { createOutbox, type DeliveryPipeline, inputHash, OUTBOX_QUEUE_NAME, type Outbox, type OutboxOptions } from './service.js';
