declare global {
  namespace App {
    interface Error {
      message: string;
      code?: string;
    }
    interface Locals {
      /** The signed-in user, resolved from the session cookie in hooks.server.ts. */
      user: { id: string; email: string; name: string } | null;
      /** The session token; only server code (lib/server/api.ts) reads it. */
      sessionToken: string | null;
      workspaces: { id: string; slug: string; name: string; role: 'owner' | 'admin' | 'member' | 'viewer' }[];
      theme: 'dark' | 'light' | 'system';
    }
  }
}

export {};
