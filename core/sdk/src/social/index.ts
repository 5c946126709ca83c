export { credential, requireConnection } from './connection.js';
export { connectorErrorFrom, type ProviderFailure, retryAfterMs } from './http-errors.js';
export { checkMediaCount, checkTextLength, loadMedia, type MediaFile, type MediaLimits } from './media.js';
export { metricsAnswer, postMetrics, scopeMissing } from './metrics.js';
export { type Published, publishOnce } from './publish-once.js';
