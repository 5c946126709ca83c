export { type BlueskyFake, type BlueskyFakePost, startBlueskyFake } from './bluesky.js';
export { type DiscordFake, type DiscordMessage, startDiscordFake } from './discord.js';
export { type FakeEngagement, noEngagement } from './engagement.js';
export * from './http.js';
export {
  type HubSpotFake,
  type HubSpotFakeContact,
  type HubSpotFakeNote,
  type HubSpotFakeSubscription,
  startHubSpotFake,
} from './hubspot.js';
export { type LinkedInFake, type LinkedInFakePost, startLinkedInFake } from './linkedin.js';
export { type MastodonFake, type MastodonFakeStatus, startMastodonFake } from './mastodon.js';
export { type MetaFake, type MetaFakePost, startMetaFake } from './meta.js';
export { type FakeName, fakeNames, startFake } from './registry.js';
export { type ResendEmail, type ResendEventType, type ResendFake, type ResendFakeOptions, startResendFake } from './resend.js';
export { type SlackFake, type SlackMessage, startSlackFake } from './slack.js';
export { type SmtpFake, type SmtpMessage, startSmtpFake } from './smtp.js';
export { type StripeFake, type StripeFakePaymentLink, startStripeFake } from './stripe.js';
export { startTwilioFake, type TwilioFake, type TwilioMessage } from './twilio.js';
export { type FakeConnection, postWebhook } from './webhook.js';
export { startXFake, type XFake, type XFakePost } from './x.js';
