import type { ErrorRegistry } from '@neonhub/schemas';

/** Workspaces, their plugin config and secrets (host/src/workspaces, host/src/secrets). Part of the host's one registry (host/src/errors.ts). */
export const workspaceErrors = {
  // workspaces, config, secrets
  NH_WORKSPACE_NOT_FOUND: { status: 404, category: 'user', description: 'No workspace has this slug or id.' },
  NH_WORKSPACE_EXISTS: { status: 409, category: 'user', description: 'A workspace with this slug already exists.' },
  NH_WORKSPACE_INVALID: { status: 400, category: 'user', description: 'The workspace slug or name is not valid.' },
  NH_WORKSPACE_LLM_INVALID: {
    status: 400,
    category: 'user',
    description:
      "The workspace's model settings are not valid (unknown provider, a missing base URL or model, or no API key where the provider needs one).",
  },
  NH_CONFIG_INVALID: { status: 400, category: 'user', description: "The plugin config does not match the manifest's config schema." },
  NH_SECRET_UNDECLARED: { status: 400, category: 'user', description: 'The plugin does not declare a secret by this name.' },
  NH_SECRET_KEY_INVALID: { status: 500, category: 'user', description: 'NEONHUB_SECRET_KEY is not 32 bytes in base64 or hex.' },
  NH_SECRET_DECRYPT_FAILED: {
    status: 500,
    category: 'internal',
    description: 'A stored secret failed to decrypt (wrong key, or bound to another workspace or name).',
  },
} satisfies ErrorRegistry;
