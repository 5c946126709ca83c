import type { ConnectionsTable, Selectable } from '@neonhub/db';
import type { ConnectionContext } from '@neonhub/sdk';
import type { SecretBox } from '../secrets/index.js';
import type { OAuthTokens } from './oauth-client.js';

/** A row of the connections table. */
export type ConnectionRow = Selectable<ConnectionsTable>;

/** What is sealed in a connection's row: the secret field values and, for OAuth, the tokens. */
export interface SealedCredentials {
  secrets: Record<string, string>;
  tokens?: OAuthTokens;
}

/** What the call pipeline gets for a connector call: the context for the tool and what it needs to report back. */
export interface ResolvedConnection {
  context: ConnectionContext;
  status: ConnectionRow['status'];
  authType: ConnectionRow['auth_type'];
}

type RowIdentity = Pick<ConnectionRow, 'workspace_id' | 'plugin_id' | 'id'>;

/**
 * Seals and opens a connection's credentials: one AES-256-GCM sealed JSON per connection, bound to its workspace,
 * plugin and id (a sealed value moved to another row does not open).
 */
export function createCredentialSeal(box: SecretBox) {
  const binding = (r: RowIdentity) => ({ workspaceId: r.workspace_id, pluginId: r.plugin_id, name: `connection:${r.id}` });
  return {
    /** The columns that hold `creds` sealed for the row. */
    seal(r: RowIdentity, creds: SealedCredentials) {
      const s = box.seal(binding(r), JSON.stringify(creds));
      return { ciphertext: s.ciphertext, iv: s.iv, tag: s.tag, key_id: s.keyId };
    },
    /** The row's credentials (none when it holds none, e.g. revoked); throws when they do not decrypt. */
    open(r: ConnectionRow): SealedCredentials {
      if (!r.ciphertext || !r.iv || !r.tag || !r.key_id) return { secrets: {} };
      return JSON.parse(box.open(binding(r), { ciphertext: r.ciphertext, iv: r.iv, tag: r.tag, keyId: r.key_id })) as SealedCredentials;
    },
  };
}

export type CredentialSeal = ReturnType<typeof createCredentialSeal>;

/** The `ctx.connection` a connector tool gets: plain fields, secrets and the access token, frozen. */
export function contextOf(row: ConnectionRow, creds: SealedCredentials): ConnectionContext {
  const credentials: Record<string, string> = { ...row.fields, ...creds.secrets };
  if (creds.tokens) {
    credentials.accessToken = creds.tokens.accessToken;
    credentials.tokenType = creds.tokens.tokenType;
    if (creds.tokens.scope) credentials.scope = creds.tokens.scope;
  }
  return {
    id: row.id,
    label: row.label,
    credentials: Object.freeze(credentials),
    ...(row.account_id || row.account_name
      ? { account: { ...(row.account_id ? { id: row.account_id } : {}), ...(row.account_name ? { name: row.account_name } : {}) } }
      : {}),
  };
}
