import type { ToolContext } from '@neonhub/sdk';
import { contentErrors } from './errors.js';
import { DRAFTS, type Draft, VERSIONS, type Version, versionKey } from './model.js';

export async function loadDraft(ctx: ToolContext, draftId: string): Promise<{ draft: Draft; version: number }> {
  const r = await ctx.store.get<Draft>(DRAFTS, draftId);
  if (!r)
    throw contentErrors.create('NH_CONTENT_DRAFT_NOT_FOUND', `no draft ${draftId} in this workspace: list_drafts shows the ids`, {
      details: { draftId },
    });
  return { draft: r.value, version: r.version };
}

export async function loadVersion(ctx: ToolContext, draft: Draft, version: number): Promise<Version> {
  const r = await ctx.store.get<Version>(VERSIONS, versionKey(draft.draftId, version));
  if (!r)
    throw contentErrors.create(
      'NH_CONTENT_VERSION_NOT_FOUND',
      `draft ${draft.draftId} has versions 1–${draft.latestVersion}, not ${version}`,
      {
        details: { draftId: draft.draftId, version, latestVersion: draft.latestVersion },
      },
    );
  return r.value;
}

/** Appends version latest+1 (compare-and-set on the draft, so two revisions never take the same number). */
export async function appendVersion(
  ctx: ToolContext,
  draftId: string,
  make: (n: number) => Omit<Version, 'version'>,
): Promise<{ draft: Draft; version: Version }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const { draft, version: recordVersion } = await loadDraft(ctx, draftId);
    const n = draft.latestVersion + 1;
    const next: Draft = { ...draft, latestVersion: n, updatedAt: new Date().toISOString() };
    if ((await ctx.store.putIf(DRAFTS, draftId, next, recordVersion)) === null) continue;
    const version: Version = { version: n, ...make(n) };
    await ctx.store.put(VERSIONS, versionKey(draftId, n), version);
    return { draft: next, version };
  }
  throw contentErrors.create('NH_CONTENT_CONFLICT', `draft ${draftId} kept changing while saving a revision: retry`);
}
