import type { Role } from '@neonhub/schemas';

/**
 * The workspace navigation: one list, so a new page is one line here. `group` decides where it sits
 * (`work`: what marketers do every day; `admin`: setting the workspace up); `minRole` hides it from
 * roles below (the host still refuses what a role may not do: hiding is a courtesy, not the guard).
 */
export interface NavItem {
  /** Path under /w/<ws>/ ('' is the workspace's home). */
  path: string;
  label: string;
  group: 'work' | 'admin';
  minRole: Role;
  /** Shows the count of things waiting for a person beside the label. */
  badge?: 'pending';
}

export const NAV: readonly NavItem[] = [
  { path: '', label: 'Home', group: 'work', minRole: 'viewer' },
  { path: 'approvals', label: 'Approvals', group: 'work', minRole: 'viewer', badge: 'pending' },
  { path: 'runs', label: 'Runs', group: 'work', minRole: 'viewer' },
  { path: 'campaigns', label: 'Campaigns', group: 'work', minRole: 'viewer' },
  { path: 'audiences', label: 'Audiences', group: 'work', minRole: 'viewer' },
  { path: 'analytics', label: 'Analytics', group: 'work', minRole: 'viewer' },
  { path: 'calendar', label: 'Calendar', group: 'work', minRole: 'viewer' },
  { path: 'outbox', label: 'Outbox', group: 'work', minRole: 'viewer' },
  { path: 'content', label: 'Content', group: 'work', minRole: 'viewer' },
  { path: 'brand', label: 'Brand kit', group: 'work', minRole: 'viewer' },
  { path: 'policies', label: 'Policies', group: 'work', minRole: 'viewer' },
  { path: 'usage', label: 'Usage', group: 'work', minRole: 'viewer' },
  { path: 'notifications', label: 'Notifications', group: 'work', minRole: 'viewer' },
  { path: 'connections', label: 'Connections', group: 'admin', minRole: 'admin' },
  { path: 'plugins', label: 'Plugins', group: 'admin', minRole: 'admin' },
  { path: 'members', label: 'Members', group: 'admin', minRole: 'admin' },
  { path: 'model', label: 'Model', group: 'admin', minRole: 'admin' },
  { path: 'tokens', label: 'API tokens', group: 'admin', minRole: 'admin' },
  { path: 'audit', label: 'Audit log', group: 'admin', minRole: 'admin' },
  { path: 'call', label: 'Call a tool', group: 'admin', minRole: 'admin' },
];

const RANK: Record<Role, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

/** Whether `role` is at least `min` (owner > admin > member > viewer). */
export const atLeast = (role: Role, min: Role) => RANK[role] >= RANK[min];

/** The items a role sees, by group, in order. */
export function navFor(role: Role) {
  const items = NAV.filter((i) => atLeast(role, i.minRole));
  return { work: items.filter((i) => i.group === 'work'), admin: items.filter((i) => i.group === 'admin') };
}

/** The item a path belongs to: the longest matching prefix (the home matches only itself). */
export function currentItem(pathname: string, base: string): NavItem | undefined {
  const rest = pathname.startsWith(base) ? pathname.slice(base.length).replace(/^\//, '') : null;
  if (rest === null) return undefined;
  if (rest === '') return NAV.find((i) => i.path === '');
  return NAV.filter((i) => i.path && (rest === i.path || rest.startsWith(`${i.path}/`))).sort((a, b) => b.path.length - a.path.length)[0];
}
