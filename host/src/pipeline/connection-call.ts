import { isIP } from 'node:net';
import { isNeonHubError, type NeonHubError } from '@neonhub/schemas';
import type { ConnectionContext } from '@neonhub/sdk';
import { isPublicAddress } from '@neonhub/sdk/outbound';

/**
 * The host of a plugin config's `baseUrl` (or a URL field of the connection) when it is a loopback or private address (a local fake, a self-hosted
 * instance): `ctx.fetch` may then reach it besides the manifest's hosts, and the outbound guard still refuses it
 * unless the operator allow-listed it. A public `baseUrl` adds nothing: a workspace admin cannot point a connector,
 * and its credentials, at a host its manifest does not declare.
 */
export function nonPublicHost(value: unknown): string | undefined {
  if (typeof value !== 'string' || !/^https?:\/\//i.test(value)) return undefined;
  try {
    const url = new URL(value);
    const name = url.hostname.replace(/^\[|\]$/g, '');
    if (name !== 'localhost' && (isIP(name) === 0 || isPublicAddress(name))) return undefined;
    return url.host;
  } catch {
    return undefined;
  }
}

/** The same for the URL fields of the call's connection (a Bluesky `service`, a Mastodon `instanceUrl`). */
export function extraHostsOf(config: Record<string, unknown>, connection: ConnectionContext | undefined): string[] | undefined {
  const hosts = [config.baseUrl, ...Object.values(connection?.credentials ?? {})].map(nonPublicHost).filter((h): h is string => !!h);
  return hosts.length > 0 ? [...new Set(hosts)] : undefined;
}

/** The optional `connection` field of a connector tool's input (an id or label). */
export function connectionRef(input: unknown): string | undefined {
  const ref = (input as { connection?: unknown } | null)?.connection;
  return typeof ref === 'string' && ref.length > 0 ? ref : undefined;
}

/** The provider refused the credentials, in-process (the error itself) or wrapped by a runtime (NH_TOOL_FAILED, its code in details). */
export function isAuthFailure(err: unknown): err is NeonHubError {
  if (!isNeonHubError(err)) return false;
  if (err.code === 'NH_CONNECTOR_AUTH_FAILED') return true;
  const d = err.details as { code?: unknown; pluginDetails?: { code?: unknown } } | undefined;
  return err.code === 'NH_TOOL_FAILED' && d?.code === 'NH_CONNECTOR_AUTH_FAILED';
}
