import { NeonHubError } from '@neonhub/schemas';
import { readOperatorCredential } from '../accounts/operator-credential.js';
import { lockHolder } from '../data-dir-lock.js';
import { hostErrors } from '../errors.js';
import { cliConfig } from './context.js';

/** The running `neonhub start` holding the embedded database, if any: CLI commands then go through its API. */
export function runningHost(): string | undefined {
  const config = cliConfig();
  return config.databaseUrl ? undefined : lockHolder(config.dataDir)?.url;
}

/**
 * The headers that make a CLI request the operator's: the credential the host wrote into the data
 * directory (`operator.token`, readable by its owner only). Without it the host answers 401.
 */
export function operatorHeaders(): Record<string, string> {
  const token = readOperatorCredential(cliConfig().dataDir);
  if (!token)
    throw hostErrors.create(
      'NH_AUTH_OPERATOR_UNREADABLE',
      `no operator credential in ${cliConfig().dataDir}: the running host writes it at start; run the CLI with the same NEONHUB_DATA_DIR`,
    );
  return { authorization: `Bearer ${token}` };
}

/** One request to the running host's API, as the operator; an error envelope becomes the same NeonHubError the API sent. */
export async function api<T>(url: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { ...operatorHeaders(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
  const res = await fetch(`${url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  }).catch((cause) => {
    throw hostErrors.create('NH_DATA_DIR_LOCKED', `a NeonHub host holds the data directory but does not answer at ${url}`, { cause });
  });
  const text = await res.text();
  const parsed = text
    ? (JSON.parse(text) as T & { error?: { code: string; message: string; details?: unknown } })
    : ({} as T & { error?: undefined });
  if (parsed.error) {
    throw new NeonHubError(parsed.error.code, parsed.error.message, {
      status: res.status,
      category: res.status < 500 ? 'user' : 'internal',
      details: parsed.error.details,
    });
  }
  return parsed;
}
