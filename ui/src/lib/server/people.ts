import type { Api } from './api';

export interface Person {
  name: string;
  email: string;
}

/** The workspace's members by user id (names for "asked by", "approved by"); empty when the list is not readable. */
export async function peopleOf(client: Api, ws: string): Promise<Map<string, Person>> {
  const r = await client.request('listMembers', { params: { ws } });
  return new Map(r.ok ? r.data.members.map((m) => [m.userId, { name: m.name || m.email, email: m.email }]) : []);
}

/** Who an actor is, in words: a member's name, never a bare id. */
export function actorName(
  actor: { type: string; id: string } | null | undefined,
  people: ReadonlyMap<string, Person>,
  me?: string,
): string {
  if (!actor) return 'someone';
  if (actor.type === 'user') {
    const name = people.get(actor.id)?.name;
    if (me && actor.id === me) return name ? `${name} (you)` : 'you';
    return name ?? 'a former member';
  }
  if (actor.type === 'token') return 'an API token';
  if (actor.type === 'agent') return 'an agent';
  return 'NeonHub';
}
