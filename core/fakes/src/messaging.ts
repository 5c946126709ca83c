import { startResendFake } from './resend.js';

/** The messaging providers' fakes (e-mail, SMS, chat), spread into the registry. */
export const messagingFakes = {
  resend: startResendFake,
} as const;
