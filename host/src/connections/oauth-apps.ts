import type { ConnectorAuth, PluginManifest } from '@neonhub/schemas';
import { oauthAppKey } from '../config.js';
import { connectionErrors } from './errors.js';
import { connectorOf } from './fields.js';
import { createOAuthClient, type OAuthApp } from './oauth-client.js';

export interface ConnectorOAuthDeps {
  getManifest(pluginId: string): PluginManifest | undefined;
  /** The OAuth app (client id and secret) of a connector: NEONHUB_OAUTH_<PLUGIN>_CLIENT_ID/_SECRET by default. */
  oauthApp(pluginId: string): OAuthApp | undefined;
  /** The workspace's guarded fetch (its outbound allow-list applies to token and revocation endpoints). */
  fetchFor(workspaceId: string): typeof globalThis.fetch;
}

const oauthVariableHint = (pluginId: string) => {
  const base = `NEONHUB_OAUTH_${oauthAppKey(pluginId)}`;
  return `${base}_CLIENT_ID and ${base}_CLIENT_SECRET`;
};

/** The OAuth declaration of a connector that connects with OAuth, or NH_CONNECTION_INVALID. */
function oauthAuth(deps: ConnectorOAuthDeps, pluginId: string): Extract<ConnectorAuth, { type: 'oauth2' }> {
  const { connector } = connectorOf(deps.getManifest(pluginId), pluginId);
  if (connector.auth.type !== 'oauth2')
    throw connectionErrors.create('NH_CONNECTION_INVALID', `${pluginId} does not connect with OAuth (its auth is ${connector.auth.type})`, {
      details: { plugin: pluginId },
    });
  return connector.auth;
}

/**
 * The OAuth client of a connector in a workspace: its manifest's endpoints, the host's OAuth app for it (else
 * NH_CONNECTION_OAUTH_APP_MISSING naming the variables to set) and the workspace's guarded fetch.
 */
export function oauthClientFor(deps: ConnectorOAuthDeps, workspaceId: string, pluginId: string) {
  const auth = oauthAuth(deps, pluginId);
  const app = deps.oauthApp(pluginId);
  if (!app) {
    throw connectionErrors.create(
      'NH_CONNECTION_OAUTH_APP_MISSING',
      `no OAuth app is configured for ${pluginId}: set ${oauthVariableHint(pluginId)} on the host (docs/connectors.md, "Connected accounts")`,
      { details: { plugin: pluginId } },
    );
  }
  return createOAuthClient(auth, app, deps.fetchFor(workspaceId));
}
