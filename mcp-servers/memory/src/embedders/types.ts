/** Turns texts into vectors. `id` names the model and settings: vectors of different ids are never compared. */
export interface Embedder {
  readonly id: string;
  readonly dimensions: number;
  embed(texts: string[]): Promise<number[][]>;
}
