/** agent-content's draft shapes (plugins/agent-content/src/model.ts), as its tools answer them. */
export interface Draft {
  draftId: string;
  kind: 'blog' | 'email' | 'social';
  topic: string;
  audience?: string;
  keywords: string[];
  length: string;
  latestVersion: number;
  createdAt: string;
  updatedAt: string;
}
export interface VersionMeta {
  version: number;
  source: 'model' | 'edit';
  model?: string;
  offline: boolean;
  note?: string;
  createdAt: string;
  characters?: number;
}
export interface Version extends VersionMeta {
  text: string;
}
export interface DraftDiff {
  draftId: string;
  from: number;
  to: number;
  unified: string;
  added: number;
  removed: number;
}

export const OFFLINE_LABEL = '[offline model]';
