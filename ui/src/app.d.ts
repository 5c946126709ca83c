declare global {
  namespace App {
    interface Error {
      message: string;
      code?: string;
    }
    interface Locals {
      /** The signed-in user, resolved from the session cookie in hooks.server.ts. */
      user: import('@neonhub/schemas').Me['user'] | null;
      /** The session token; only server code (lib/server/api.ts) reads it. */
      sessionToken: string | null;
      workspaces: import('@neonhub/schemas').Me['workspaces'];
      theme: 'dark' | 'light' | 'system';
      /** The host's health as the workspace shell brought it (hooks.server.ts; null: not for this person); undefined: not read. */
      hostHealth?: import('@neonhub/schemas').Health | null;
    }
  }
}

export {};
