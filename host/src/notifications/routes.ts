import type { NotificationPrefs } from '@neonhub/schemas';
import { apiRoutes } from '@neonhub/schemas';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hostErrors } from '../errors.js';
import { addRoute } from '../server/route.js';
import type { ApiDeps } from '../server/routes/deps.js';
import { scoped } from '../server/scopes.js';
import { pendingHeld } from './held.js';
import { getPref, setPref } from './store.js';

/** The signed-in person (preferences are a person's: a token or the operator has none). */
function person(req: FastifyRequest): { workspaceId: string; userId: string } {
  const { workspaceId, userId } = scoped(req);
  if (!userId)
    throw hostErrors.create(
      'NH_NOTIFY_PERSON_REQUIRED',
      'notification preferences belong to a person: sign in to the console to set yours',
      {
        details: { principal: req.principal?.type ?? null },
      },
    );
  return { workspaceId, userId };
}

/** How the signed-in person hears that something waits for them (docs/console.md#notifications). */
export async function notificationRoutes(app: FastifyInstance, { host }: ApiDeps) {
  const db = host.storage.db;
  const view = async (workspaceId: string, userId: string): Promise<NotificationPrefs> => {
    const pref = await getPref(db, workspaceId, userId);
    const router = host.storage.workspaces.channels?.(workspaceId);
    const [email, slack] = await Promise.all([router?.resolve('email'), router?.resolve('chat', { network: 'slack' })]);
    return { ...pref, available: { email: email !== undefined, slack: slack !== undefined } };
  };
  addRoute(app, apiRoutes.getNotificationPrefs, async (req) => {
    const { workspaceId, userId } = person(req);
    return view(workspaceId, userId);
  });
  addRoute(app, apiRoutes.listHeldCalls, async (req) => ({ held: await pendingHeld(db, scoped(req).workspaceId) }));
  addRoute(app, apiRoutes.setNotificationPrefs, async (req) => {
    const { workspaceId, userId } = person(req);
    await setPref(db, workspaceId, userId, {
      via: req.body.via,
      slackChannel: req.body.via === 'slack' ? (req.body.slackChannel ?? null) : null,
    });
    return view(workspaceId, userId);
  });
}
