import { startDiscordFake } from './discord.js';
import { startResendFake } from './resend.js';
import { startSlackFake } from './slack.js';
import { startSmtpFake } from './smtp.js';
import { startTwilioFake } from './twilio.js';

/** The messaging providers' fakes (e-mail, SMS, chat), spread into the registry. */
export const messagingFakes = {
  resend: startResendFake,
  smtp: startSmtpFake,
  twilio: startTwilioFake,
  slack: startSlackFake,
  discord: startDiscordFake,
} as const;
