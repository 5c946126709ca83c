import { defineErrors } from '@neonhub/schemas';

/** Errors raised by the data-trust plugin. */
export const dataTrustErrors = defineErrors({
  NH_DATA_TRUST_KIND_RESERVED: {
    status: 400,
    category: 'user',
    description: 'record_event was given a kind the plugin writes itself (tool_call, artifact.*, checkpoint.*): pick another kind.',
  },
  NH_DATA_TRUST_DATA_INVALID: {
    status: 400,
    category: 'user',
    description:
      'The event or artifact cannot be stored as canonical JSON (a lone UTF-16 surrogate, a NUL character, or a value JSON cannot carry).',
  },
  NH_DATA_TRUST_APPEND_CONFLICT: {
    status: 503,
    category: 'transient',
    description: 'Another writer kept winning the race for the next audit seq; retry the call.',
  },
  NH_DATA_TRUST_LOG_EMPTY: {
    status: 409,
    category: 'user',
    description: 'A checkpoint was asked for before the workspace audit log had any entry.',
  },
  NH_DATA_TRUST_ARTIFACT_NOT_FOUND: {
    status: 404,
    category: 'user',
    description: 'No provenance is recorded for that artifact id (or that version of it).',
  },
  NH_DATA_TRUST_KEY_INVALID: {
    status: 400,
    category: 'user',
    description: 'The public key given to verify with is not an ed25519 public key in PEM (SPKI) form.',
  },
});
