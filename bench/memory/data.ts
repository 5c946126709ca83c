/** Clustered synthetic embeddings: what real document embeddings look like to an ANN index (dense topics of varied size and spread), not uniform noise. */

/** Small fast seeded PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal samples (Box-Muller). */
export function gaussian(rand: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = rand();
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

function normalizeInto(out: Float32Array, offset: number, v: Float64Array): void {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n) || 1;
  for (let i = 0; i < v.length; i++) out[offset + i] = v[i]! / n;
}

export interface ClusteredData {
  dims: number;
  count: number;
  /** Row-major unit vectors, `count * dims`. */
  vectors: Float32Array;
  /** Cluster of each vector. */
  cluster: Int32Array;
  clusterSizes: number[];
}

export interface ClusterOptions {
  count: number;
  dims: number;
  clusters: number;
  seed: number;
}

/**
 * `clusters` centres uniform on the unit sphere; cluster sizes drawn from a log-normal
 * (a few big topics, many small ones); each member = normalise(centre + σ·N(0, I)) with
 * a per-cluster σ so that members sit at cosine ≈ 0.45–0.8 from their centre.
 */
export function clusteredVectors(o: ClusterOptions): ClusteredData {
  const rand = rng(o.seed);
  const g = gaussian(rand);
  const centres: Float64Array[] = [];
  for (let c = 0; c < o.clusters; c++) {
    const v = new Float64Array(o.dims);
    let n = 0;
    for (let i = 0; i < o.dims; i++) {
      v[i] = g();
      n += v[i]! * v[i]!;
    }
    n = Math.sqrt(n);
    for (let i = 0; i < o.dims; i++) v[i] = v[i]! / n;
    centres.push(v);
  }
  const weights = Array.from({ length: o.clusters }, () => Math.exp(1.0 * g()));
  const total = weights.reduce((a, b) => a + b, 0);
  const sizes = weights.map((w) => Math.max(1, Math.floor((w / total) * o.count)));
  let assigned = sizes.reduce((a, b) => a + b, 0);
  for (let c = 0; assigned < o.count; c = (c + 1) % o.clusters, assigned++) sizes[c]!++;
  for (let c = 0; assigned > o.count; c = (c + 1) % o.clusters) {
    if (sizes[c]! > 1) {
      sizes[c]!--;
      assigned--;
    }
  }
  // per-coordinate σ: noise norm ≈ σ·√dims; 0.9–2.0 relative to the unit centre
  const sigmas = centres.map(() => (0.9 + 1.1 * rand()) / Math.sqrt(o.dims));

  const vectors = new Float32Array(o.count * o.dims);
  const cluster = new Int32Array(o.count);
  const tmp = new Float64Array(o.dims);
  let row = 0;
  for (let c = 0; c < o.clusters; c++) {
    const centre = centres[c]!;
    const sigma = sigmas[c]!;
    for (let k = 0; k < sizes[c]!; k++, row++) {
      for (let i = 0; i < o.dims; i++) tmp[i] = centre[i]! + sigma * g();
      normalizeInto(vectors, row * o.dims, tmp);
      cluster[row] = c;
    }
  }
  // shuffle rows so insertion order does not follow clusters
  const order = Array.from({ length: o.count }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const shuffled = new Float32Array(vectors.length);
  const shuffledCluster = new Int32Array(o.count);
  order.forEach((from, to) => {
    shuffled.set(vectors.subarray(from * o.dims, (from + 1) * o.dims), to * o.dims);
    shuffledCluster[to] = cluster[from]!;
  });
  return { dims: o.dims, count: o.count, vectors: shuffled, cluster: shuffledCluster, clusterSizes: sizes };
}

/** Queries near random members: member + smaller noise, normalised (a paraphrase of something in the corpus). */
export function queriesNear(data: ClusteredData, n: number, seed: number): Float32Array[] {
  const rand = rng(seed);
  const g = gaussian(rand);
  const out: Float32Array[] = [];
  const tmp = new Float64Array(data.dims);
  const sigma = 0.6 / Math.sqrt(data.dims);
  for (let q = 0; q < n; q++) {
    const row = Math.floor(rand() * data.count);
    for (let i = 0; i < data.dims; i++) tmp[i] = data.vectors[row * data.dims + i]! + sigma * g();
    const v = new Float32Array(data.dims);
    normalizeInto(v, 0, tmp);
    out.push(v);
  }
  return out;
}

/** Exact top-k by cosine (all vectors are unit length, so the dot product) in plain JS: the ground truth. */
export function bruteForceTopK(data: ClusteredData, q: Float32Array, k: number): number[] {
  const { dims, vectors } = data;
  const best: { i: number; s: number }[] = [];
  let floor = -Infinity;
  for (let r = 0; r < data.count; r++) {
    let s = 0;
    const o = r * dims;
    for (let i = 0; i < dims; i++) s += q[i]! * vectors[o + i]!;
    if (best.length < k || s > floor) {
      best.push({ i: r, s });
      best.sort((a, b) => b.s - a.s);
      if (best.length > k) best.pop();
      floor = best[best.length - 1]!.s;
    }
  }
  return best.map((b) => b.i);
}
