/**
 * Group commit for the hot path: calls made while a batch is in flight are collected and sent as the next
 * batch (one statement for all of them). No timer: a lone call goes out at once, so latency at low load is
 * unchanged; under load, N concurrent steps cost one round trip instead of N. A failed batch rejects every
 * call in it (each job then fails and is retried by the queue, like a failed single statement).
 */
export class Batcher<I, O> {
  private waiting: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private inflight = 0;

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly opts: { max?: number; parallel?: number } = {},
  ) {}

  push(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    if (this.inflight >= (this.opts.parallel ?? 1) || !this.waiting.length) return;
    const batch = this.waiting.splice(0, this.opts.max ?? 64);
    this.inflight++;
    this.run(batch.map((b) => b.item))
      .then(
        (out) => {
          for (const [i, b] of batch.entries()) b.resolve(out[i] as O);
        },
        (err) => {
          for (const b of batch) b.reject(err);
        },
      )
      .finally(() => {
        this.inflight--;
        this.kick();
      });
  }
}
