import { definePlugin, type PluginDefinition } from '@neonhub/sdk';
import type { DataTrustDeps } from './deps.js';
import { createAuditHook } from './hook.js';
import { createInputHasher } from './keys.js';
import { createAuditLog } from './log.js';
import { checkpointTool } from './tools/checkpoint.js';
import { exportChainTool } from './tools/export-chain.js';
import { getProvenanceTool } from './tools/get-provenance.js';
import { publicKeyTool } from './tools/public-key.js';
import { recordArtifactTool } from './tools/record-artifact.js';
import { recordEventTool } from './tools/record-event.js';
import { verifyTool } from './tools/verify.js';
import { verifyArtifactTool } from './tools/verify-artifact.js';

export { DataTrustConfigSchema } from './config.js';
export { dataTrustErrors } from './errors.js';

export interface DataTrustOptions {
  /** The clock entries are stamped with (tests pin it). */
  now?: () => Date;
}

/** A data-trust plugin instance (the default export is one with the real clock). */
export function createDataTrustPlugin(options: DataTrustOptions = {}): PluginDefinition {
  const now = options.now ?? (() => new Date());
  const deps: DataTrustDeps = { log: createAuditLog({ now }), hasher: createInputHasher(), now };
  return definePlugin({
    id: 'data-trust',
    tools: [
      recordEventTool(deps),
      checkpointTool(deps),
      publicKeyTool(deps),
      verifyTool(deps),
      exportChainTool(deps),
      recordArtifactTool(deps),
      getProvenanceTool(deps),
      verifyArtifactTool(deps),
    ],
    hooks: { afterToolCall: createAuditHook(deps) },
  });
}

export default createDataTrustPlugin();
