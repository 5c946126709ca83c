import { type ConnectionContext, connectorErrorFrom, credential, type NeonHubError, type ToolContext } from '@neonhub/sdk';
import Stripe from 'stripe';
import { PLUGIN_ID } from './config.js';

/**
 * The official Stripe client acting for the connected account, sending through ctx.fetch (declared hosts only)
 * to api.stripe.com or the admin-set config baseUrl (a local fake). Retries are left to the caller: Stripe's own
 * Idempotency-Key makes a repeated create safe.
 */
export function stripeClient(ctx: Pick<ToolContext, 'config' | 'fetch'>, connection: ConnectionContext): Stripe {
  const base = typeof ctx.config.baseUrl === 'string' ? new URL(ctx.config.baseUrl) : undefined;
  return new Stripe(credential(connection, 'secretKey', PLUGIN_ID), {
    httpClient: Stripe.createFetchHttpClient(ctx.fetch),
    maxNetworkRetries: 0,
    ...(base
      ? {
          host: base.hostname,
          port: base.port || (base.protocol === 'https:' ? 443 : 80),
          protocol: base.protocol === 'https:' ? 'https' : 'http',
        }
      : {}),
  });
}

/** A Stripe client error as the shared connector error (auth, rate limit, idempotency reuse, refusal, outage). */
export function fromStripeError(err: unknown): NeonHubError {
  if (err instanceof Stripe.errors.StripeError) {
    const status = err.statusCode;
    return connectorErrorFrom({
      provider: 'stripe',
      ...(status !== undefined ? { status } : {}),
      ...(err.code ? { providerCode: err.code } : { providerCode: err.type }),
      message: err.message,
      authFailed: err instanceof Stripe.errors.StripeAuthenticationError || err instanceof Stripe.errors.StripePermissionError,
      rateLimited: err instanceof Stripe.errors.StripeRateLimitError,
      cause: err,
    });
  }
  return connectorErrorFrom({ provider: 'stripe', message: err instanceof Error ? err.message : String(err), cause: err });
}
