import type { Actor } from '@neonhub/schemas';
import { govErrors } from './errors.js';

/** Owners and admins (people or tokens), and the system actor; agents never, whatever their role. */
export function isAdmin(actor: Actor): boolean {
  if (actor.type === 'system') return true;
  if (actor.type === 'agent') return false;
  return actor.role === 'owner' || actor.role === 'admin';
}

export function requireAdmin(actor: Actor, action: string): void {
  if (!isAdmin(actor)) {
    throw govErrors.create(
      'NH_GOV_FORBIDDEN',
      `${action} needs an owner or admin; ${actor.type} ${actor.id} is ${actor.role ?? 'without a role'}`,
      {
        details: { actor: { type: actor.type, id: actor.id, role: actor.role ?? null }, action },
      },
    );
  }
}
