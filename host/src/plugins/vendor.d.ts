// Minimal typings for the two CommonJS packages pack.ts uses (neither ships its own).
declare module 'npm-packlist' {
  /** An @npmcli/arborist node, or the subset npm-packlist reads from one. */
  export interface PacklistTree {
    path: string;
    package: Record<string, unknown>;
    isProjectRoot: boolean;
    edgesOut: Map<string, unknown>;
    workspaces?: Map<string, string>;
  }
  export default function packlist(tree: PacklistTree, opts?: { path?: string }): Promise<string[]>;
}

declare module '@npmcli/arborist' {
  import type { PacklistTree } from 'npm-packlist';
  export default class Arborist {
    constructor(opts: { path: string });
    loadActual(): Promise<PacklistTree>;
  }
}
