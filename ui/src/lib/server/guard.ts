import { error, fail, redirect } from '@sveltejs/kit';
import type { ApiResult } from './api';

/** Pages behind sign-in send a signed-out visitor to /login and back afterwards. */
export function requireUser(locals: App.Locals, url: URL) {
  if (!locals.user) redirect(303, `/login?next=${encodeURIComponent(url.pathname + url.search)}`);
  return locals.user;
}

/** The workspace from the user's memberships: anything else is 404 (never revealing that it exists). */
export function requireWorkspace(locals: App.Locals, slug: string) {
  const ws = locals.workspaces.find((w) => w.slug === slug);
  if (!ws) error(404, { message: 'No such workspace', code: 'NH_WORKSPACE_NOT_FOUND' });
  return ws;
}

/** An API failure as a form action failure: the message and code, shown beside the form. */
export function failWith<T, E extends Record<string, unknown> = Record<never, never>>(
  result: Extract<ApiResult<T>, { ok: false }>,
  extra?: E,
) {
  return fail(result.status >= 500 ? 502 : result.status, {
    error: result.error.message,
    code: result.error.code,
    ...(extra ?? ({} as E)),
  });
}

/** A load that needs the API: its failure becomes the error page with the code. */
export function orError<T>(result: ApiResult<T>): T {
  if (!result.ok) error(result.status === 401 ? 401 : result.status, { message: result.error.message, code: result.error.code });
  return result.data;
}

export const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === 'string' ? v.trim() : '';
};

/** What a form action's event offers the guard. */
interface GuardedEvent {
  locals: App.Locals;
  params: Partial<Record<string, string>>;
}

/**
 * A page's form actions, each refusing a visitor outside the workspace (`params.ws`) with the 404 page before it
 * reads the form or calls anything: the check in one place instead of one line opening each action. Pages under
 * /w/[ws] export `actions = guardedActions({ ... }) satisfies Actions`.
 */
export function guardedActions<A extends Record<string, (event: never) => unknown>>(actions: A): A {
  const guarded: Record<string, (event: GuardedEvent) => unknown> = {};
  for (const [name, action] of Object.entries(actions)) {
    guarded[name] = (event) => {
      requireWorkspace(event.locals, event.params.ws ?? '');
      return (action as (event: GuardedEvent) => unknown)(event);
    };
  }
  return guarded as unknown as A;
}
