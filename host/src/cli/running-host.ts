import { type ApiInput, type ApiOutput, type ApiRouteName, createApiClient, NeonHubError } from '@neonhub/schemas';
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

/**
 * One request to the running host's API as the operator, through the typed client of @neonhub/schemas:
 * the operation's params, body and answer are typed from the API's schemas; an error envelope becomes
 * the same NeonHubError the API sent.
 */
export async function hostApi<N extends ApiRouteName>(url: string, name: N, ...input: OptionalInput<N>): Promise<ApiOutput<N>> {
  const client = createApiClient({ baseUrl: url, headers: operatorHeaders });
  const r = await client.request(name, ...input);
  if (r.ok) return r.data;
  if (r.error.code === 'NH_API_UNREACHABLE')
    throw hostErrors.create('NH_DATA_DIR_LOCKED', `a NeonHub host holds the data directory but does not answer at ${url}`);
  throw new NeonHubError(r.error.code, r.error.message, {
    status: r.status,
    category: r.status < 500 ? 'user' : 'internal',
    details: r.error.details,
  });
}

type OptionalInput<N extends ApiRouteName> = Record<never, never> extends ApiInput<N> ? [ApiInput<N>?] : [ApiInput<N>];
