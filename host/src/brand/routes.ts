import { randomUUID } from 'node:crypto';
import { apiRoutes } from '@neonhub/schemas';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requestActor } from '../accounts/index.js';
import { hostErrors } from '../errors.js';
import { addRoute } from '../server/route.js';
import type { ApiDeps } from '../server/routes/deps.js';
import { scoped } from '../server/scopes.js';
import { brandKitStore } from './kit.js';

/** The brand kit (docs/memory.md#the-brand-kit): stored in the workspace's memory, through the memory contract. */
export async function brandRoutes(app: FastifyInstance, { host }: ApiDeps) {
  async function storeFor(req: FastifyRequest) {
    const { workspaceId } = scoped(req);
    const workspace = await host.storage.service.resolveWorkspace(workspaceId);
    const provider = await host.contracts.provider(workspace.id, 'memory');
    const memory = provider ? await host.callTool.memory(workspace, requestActor(req), `brand-kit:${randomUUID()}`) : undefined;
    if (!provider || !memory)
      throw hostErrors.create(
        'NH_BRAND_KIT_NO_MEMORY',
        "the brand kit is kept in the workspace's memory, and no enabled plugin provides memory here: enable memory first",
        { details: { contract: 'memory' } },
      );
    return brandKitStore(memory, provider);
  }
  addRoute(app, apiRoutes.getBrandKit, async (req) => (await storeFor(req)).load());
  addRoute(app, apiRoutes.saveBrandKit, async (req) => (await storeFor(req)).save(req.body));
}
