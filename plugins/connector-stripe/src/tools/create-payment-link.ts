import { createHash } from 'node:crypto';
import { defineTool, deliverOnce, requireConnection } from '@neonhub/sdk';
import { z } from 'zod';
import { fromStripeError, stripeClient } from '../client.js';
import { PLUGIN_ID } from '../config.js';

/** Stripe's Idempotency-Key is at most 255 characters: longer keys are hashed (still one per logical call). */
const providerKey = (key: string, step: string) => {
  const k = `${key}:${step}`;
  return k.length <= 255 ? k : `sha256-${createHash('sha256').update(k).digest('hex')}:${step}`;
};

/** Metadata keys the webhook reads back to attribute a payment (Stripe copies a link's metadata to its sessions). */
export const METADATA = { campaign: 'neonhub_campaign', variant: 'neonhub_variant', channel: 'neonhub_channel' } as const;

export const createPaymentLink = defineTool({
  name: 'create_payment_link',
  description:
    "Creates a Stripe Payment Link for one product at a price, tagged with a campaign (and variant and channel), so every payment through it comes back as a conversion with its value. Put the link in an e-mail or post; NeonHub's tracked links add the click token (client_reference_id) so the payment is credited to the person who clicked. Once per idempotency key (Stripe's Idempotency-Key).",
  sideEffect: 'write',
  input: z.object({
    product: z.string().trim().min(1).max(250).describe('What is sold, as the checkout page shows it, e.g. "Spring bundle".'),
    amount: z
      .number()
      .positive()
      .max(999_999.99)
      .multipleOf(0.01)
      .describe('Price per unit in the currency, e.g. 49 or 19.99 (Stripe stores it in minor units).'),
    currency: z
      .string()
      .regex(/^[a-z]{3}$/, 'a three-letter ISO currency code in lower case, e.g. usd or eur')
      .default('usd')
      .describe('ISO 4217 currency code in lower case (usd, eur, gbp...).'),
    quantity: z.number().int().min(1).max(100).default(1).describe('Units per purchase.'),
    campaign: z.string().trim().min(1).max(200).describe('The campaign payments through this link are credited to.'),
    variant: z.string().max(100).optional().describe('The A/B variant the link belongs to, if any.'),
    channel: z.string().max(50).optional().describe('The channel the link is shared on (email, social...), if known.'),
    connection: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe("The connected Stripe account (its id or label); default: the workspace's default connection."),
  }),
  output: z.object({
    id: z.string().describe('The payment link id (plink_...).'),
    url: z.url().describe('The public checkout URL.'),
    campaign: z.string(),
    duplicate: z.boolean().describe('True when this idempotency key had already created the link: nothing new was created.'),
  }),
  timeoutMs: 60_000,
  async run(a, ctx) {
    const connection = requireConnection(ctx, PLUGIN_ID);
    const stripe = stripeClient(ctx, connection);
    const metadata: Record<string, string> = { [METADATA.campaign]: a.campaign };
    if (a.variant) metadata[METADATA.variant] = a.variant;
    if (a.channel) metadata[METADATA.channel] = a.channel;
    const request = {
      product: a.product,
      amount: a.amount,
      currency: a.currency,
      quantity: a.quantity,
      metadata,
      connection: connection.id,
    };
    const { result, duplicate } = await deliverOnce({
      store: ctx.store,
      key: ctx.idempotencyKey,
      request,
      send: async () => {
        try {
          const price = await stripe.prices.create(
            { unit_amount: Math.round(a.amount * 100), currency: a.currency, product_data: { name: a.product } },
            { idempotencyKey: providerKey(ctx.idempotencyKey, 'price') },
          );
          const link = await stripe.paymentLinks.create(
            { line_items: [{ price: price.id, quantity: a.quantity }], metadata },
            { idempotencyKey: providerKey(ctx.idempotencyKey, 'link') },
          );
          return { id: link.id, url: link.url };
        } catch (err) {
          throw fromStripeError(err);
        }
      },
    });
    ctx.logger.info({ paymentLink: result.id, duplicate, campaign: a.campaign }, 'stripe payment link created');
    return { ...result, campaign: a.campaign, duplicate };
  },
});
