/**
 * What the Model and Notifications settings forms show after a refused save: what the person sent (`kept`, returned
 * by the action, so with or without JavaScript), not the saved values, and the refusal beside the field it is about.
 * The same idea as learning.ts `keptSettings` / `shownSettings` for the results settings.
 */

const field = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === 'string' ? v : '';
};

/** The first field a host refusal's validation issues name (`details.issues[].path`: "baseURL", "/slackChannel", ["model"]). */
function issueField(details: unknown): string | null {
  const issues = (details as { issues?: unknown } | null | undefined)?.issues;
  if (!Array.isArray(issues)) return null;
  for (const i of issues) {
    const path = (i as { path?: unknown } | null)?.path;
    const first = Array.isArray(path) ? path[0] : typeof path === 'string' ? path.replace(/^\//, '').split(/[./]/)[0] : undefined;
    if (typeof first === 'string' && first) return first;
  }
  return null;
}

// ---- Model

export const MODEL_FIELDS = ['provider', 'model', 'baseURL', 'api', 'apiKey'] as const;
export type ModelField = (typeof MODEL_FIELDS)[number];

/** The model form as sent; never the API key (a secret is not sent back to the page: the person types it again). */
export interface KeptModel {
  provider: string;
  model: string;
  baseURL: string;
  api: string;
}

export function keptModel(form: FormData): KeptModel {
  return { provider: field(form, 'provider'), model: field(form, 'model'), baseURL: field(form, 'baseURL'), api: field(form, 'api') };
}

/**
 * The field a refusal of the model settings is about: the one its issues name, the key when a provider needs one
 * (`details.provider`), the endpoint when the host will not reach its address (NH_OUTBOUND_BLOCKED); null otherwise.
 */
export function modelErrorField(error: { code?: string; details?: unknown }): ModelField | null {
  const named = issueField(error.details);
  if (named && (MODEL_FIELDS as readonly string[]).includes(named)) return named as ModelField;
  if (error.code?.startsWith('NH_OUTBOUND')) return 'baseURL';
  const d = error.details as { provider?: unknown } | null | undefined;
  if (typeof d?.provider === 'string') return 'apiKey';
  return null;
}

/** What the form shows: what was sent after a refusal, else the workspace's own settings (empty fields for the host's). */
export function shownModel(
  saved: { source: string; provider: string; model: string; baseURL?: string; api?: string },
  kept: KeptModel | null | undefined,
): KeptModel {
  if (kept) return kept;
  return {
    provider: saved.provider,
    model: saved.source === 'workspace' ? saved.model : '',
    baseURL: saved.baseURL ?? '',
    api: saved.api ?? '',
  };
}

// ---- Notifications

export const NOTIFY_VIA = ['in_app', 'email', 'slack'] as const;
export type NotifyVia = (typeof NOTIFY_VIA)[number];

export interface KeptNotifications {
  via: string;
  slackChannel: string;
}

export function keptNotifications(form: FormData): KeptNotifications {
  return { via: field(form, 'via'), slackChannel: field(form, 'slackChannel') };
}

/** The field a refusal of the notification settings is about (its issues name it), or null. */
export function notificationsErrorField(error: { details?: unknown }): 'via' | 'slackChannel' | null {
  const named = issueField(error.details);
  return named === 'via' || named === 'slackChannel' ? named : null;
}

/** What the form shows: what was sent after a refusal (a choice not on the list: the saved one), else the saved prefs. */
export function shownNotifications(
  saved: { via: NotifyVia; slackChannel: string | null },
  kept: KeptNotifications | null | undefined,
): { via: NotifyVia; slackChannel: string } {
  if (!kept) return { via: saved.via, slackChannel: saved.slackChannel ?? '' };
  const via = (NOTIFY_VIA as readonly string[]).includes(kept.via) ? (kept.via as NotifyVia) : saved.via;
  return { via, slackChannel: kept.slackChannel };
}
