import { z } from 'zod';

/** `user`: don't retry; `transient`: retry with backoff; `third_party`: an outside service failed. */
export const ErrorCategorySchema = z.enum(['user', 'transient', 'third_party', 'internal']);
export type ErrorCategory = z.infer<typeof ErrorCategorySchema>;

/** `NH_<AREA>_<WHAT>`; `NH_INTERNAL` is the one code without a WHAT. */
export const ErrorCodeSchema = z.string().regex(/^NH_(INTERNAL|[A-Z0-9]+(_[A-Z0-9]+)+)$/, 'error codes look like NH_<AREA>_<WHAT>');

/** The API error envelope: `{ error: { code, message, details } }`. */
export const ErrorEnvelopeSchema = z.object({
  error: z.object({
    code: ErrorCodeSchema,
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorEnvelope = z.infer<typeof ErrorEnvelopeSchema>;

export interface ErrorSpec {
  /** HTTP status at the API boundary. */
  status: number;
  category: ErrorCategory;
  /** What it means, for docs/errors.md. */
  description: string;
}

export type ErrorRegistry = Record<string, ErrorSpec>;

/** Every NeonHub error: a stable code, an actionable message, an HTTP status and a category. */
export class NeonHubError extends Error {
  readonly code: string;
  readonly status: number;
  readonly category: ErrorCategory;
  readonly details: unknown;

  constructor(code: string, message: string, opts: { status?: number; category?: ErrorCategory; details?: unknown; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'NeonHubError';
    this.code = code;
    this.status = opts.status ?? 500;
    this.category = opts.category ?? 'internal';
    this.details = opts.details;
  }

  toEnvelope(): ErrorEnvelope {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

export function isNeonHubError(e: unknown): e is NeonHubError {
  return (
    e instanceof NeonHubError ||
    (typeof e === 'object' &&
      e !== null &&
      (e as { name?: string }).name === 'NeonHubError' &&
      typeof (e as { code?: unknown }).code === 'string')
  );
}

/**
 * One registry per package: `const errors = defineErrors({...})`, then
 * `throw errors.create('NH_PLUGIN_LOCK_MISMATCH', 'plugin x changed', { details })`.
 */
export function defineErrors<const R extends ErrorRegistry>(registry: R) {
  for (const code of Object.keys(registry)) ErrorCodeSchema.parse(code);
  return {
    registry,
    create(code: keyof R & string, message: string, opts: { details?: unknown; cause?: unknown } = {}): NeonHubError {
      const spec = registry[code];
      if (!spec) throw new Error(`unknown error code ${code}`);
      return new NeonHubError(code, message, { ...opts, status: spec.status, category: spec.category });
    },
  };
}

/**
 * Validation issues (zod's or a JSON-Schema validator's) as one readable reason for an error message,
 * e.g. `text: give exactly one of text or html; keywords.0: expected string`. The reason belongs in the
 * message, so the CLI, the API, MCP clients and the console all show it, not only `details`.
 */
export function describeIssues(issues: readonly { path?: readonly PropertyKey[] | string; message: string }[], max = 5): string {
  const one = (i: (typeof issues)[number]) => {
    const path = typeof i.path === 'string' ? i.path.replace(/^\//, '').replace(/\//g, '.') : (i.path ?? []).map(String).join('.');
    return path ? `${path}: ${i.message}` : i.message;
  };
  const shown = issues.slice(0, max).map(one);
  if (issues.length > max) shown.push(`and ${issues.length - max} more`);
  return shown.join('; ');
}
