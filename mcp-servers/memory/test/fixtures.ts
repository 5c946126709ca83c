/** A tiny marketing corpus shared by the store and server tests. */
export const brandVoice = `# Acme brand voice

Acme speaks like a knowledgeable friend: warm, direct and never pushy.

## Tone

Use short sentences and active verbs. Prefer "you" over "customers".
Humour is welcome in social posts but never in billing emails.

## Words to avoid

Never write "synergy", "leverage" or "best-in-class". Avoid exclamation marks in email subject lines.
`;

export const shippingFaq = `# Shipping FAQ

## Delivery times

Standard delivery takes 3 to 5 business days inside the EU. Express delivery arrives the next business day when ordered before 2 pm.

## Returns

Unworn running shoes can be returned within 30 days for a full refund. Return labels are printed from the order page.
`;

export const campaignNotes = `Spring sale campaign retrospective. The email with the subject line "Your spring miles start here" had the best open rate (41%).
Instagram carousel posts about trail running shoes outperformed single images by a factor of two.`;

/** Workspace B's own document: shares vocabulary with A's, so a leak across workspaces would show. */
export const otherWorkspaceDoc = `# Globex shipping policy

Globex ships running shoes worldwide. Delivery takes 10 business days; returns are not accepted.`;
