import { merge } from './merge.js';
import type { Recipient, Template } from './model.js';

export interface Rendered {
  email: string;
  subject: string;
  body: string;
  missingFields: string[];
}

/** The subject and body one recipient gets; `email` is always a field. */
export function renderFor(t: Template, r: Recipient): Rendered {
  const fields = { email: r.email, ...r.fields };
  const subject = merge(t.subject, fields, t.defaults);
  const body = merge(t.body, fields, t.defaults, { html: t.format === 'html' });
  return {
    email: r.email,
    subject: subject.text.replace(/\s+/g, ' ').trim(),
    body: body.text,
    missingFields: [...new Set([...subject.missing, ...body.missing])],
  };
}
