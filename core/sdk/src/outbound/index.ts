export { outboundErrors } from '../errors.js';
export { addressRange, isPublicAddress, normalizeHostname, refusedAddress, refusedName } from './addresses.js';
export { type AllowRule, allowsAddress, allowsName, parseAllowEntry, parseAllowList } from './allow-list.js';
export {
  createOutboundGuard,
  type OutboundGuard,
  type OutboundGuardOptions,
  type OutboundTarget,
  type ResolvedAddress,
  type Resolver,
} from './guard.js';
export { createOutboundGuards, type OutboundGuards } from './guards.js';
