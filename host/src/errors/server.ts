import type { ErrorRegistry } from '@neonhub/schemas';

/** The API server, the CLI and the host configuration. Part of the host's one registry (host/src/errors.ts). */
export const serverErrors = {
  // server, CLI, config
  NH_REQUEST_INVALID: { status: 400, category: 'user', description: 'The request body or parameters are malformed.' },
  NH_ROUTE_NOT_FOUND: { status: 404, category: 'user', description: 'No API route matches.' },
  NH_CONFIG_ENV_INVALID: {
    status: 400,
    category: 'user',
    description: 'An environment variable (PORT, DATABASE_URL, ...) has an invalid value.',
  },
  NH_DATA_DIR_LOCKED: {
    status: 409,
    category: 'user',
    description:
      'Another NeonHub process (usually `neonhub start`) has the embedded database open; stop it, or use the HTTP API, or set DATABASE_URL.',
  },
  NH_PORT_IN_USE: {
    status: 409,
    category: 'user',
    description:
      '`neonhub start` cannot listen: another process has the port. Stop it, or pick another port (`--port`, PORT); start exits at once and releases the data directory.',
  },
  NH_PORT_UNAVAILABLE: {
    status: 400,
    category: 'user',
    description:
      '`neonhub start` cannot listen on this address and port (a port below 1024 without privileges, or HOST is not an address of this machine).',
  },
} satisfies ErrorRegistry;
