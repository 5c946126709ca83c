/**
 * The pure, I/O-free core of data-trust: entry hashing, chain and checkpoint verification, Merkle
 * tree heads, signatures and the export format. `neonhub audit verify` and outside auditors use these.
 */
export {
  type AuditEntry,
  AuditEntrySchema,
  buildChain,
  canonicalJson,
  computeEntryHash,
  createEntry,
  EntryKindSchema,
  GENESIS_HASH,
  sha256Hex,
  type UnsignedEntry,
} from './core/entry.js';
export {
  EXPORT_FORMAT,
  type ExportedChain,
  type ExportHeader,
  ExportHeaderSchema,
  parseJsonLines,
  toJsonLines,
  type VerifyExportOptions,
  type VerifyExportResult,
  verifyExport,
} from './core/export-format.js';
export { type CompactRange, EMPTY_ROOT, leafHash, MerkleAccumulator, merkleRoot, nodeHash } from './core/merkle.js';
export {
  CHECKPOINT_TYPE,
  type Checkpoint,
  type CheckpointBody,
  CheckpointSchema,
  checkpointSignatureValid,
  generateSigningKey,
  keyIdOf,
  type PublicKeyInfo,
  publicKeyFromRecord,
  type SigningKeyRecord,
  signCheckpoint,
  toPublicKey,
} from './core/signing.js';
export { type ChainProblem, type VerifyOptions, type VerifyResult, verifyChain } from './core/verify.js';
