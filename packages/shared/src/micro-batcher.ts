/**
 * Collects items handed in one at a time (from concurrent BullMQ jobs) into batches, because
 * BullMQ's open-source worker has no batch mode: the stores want bulk writes, and a queue wants
 * one job per batch rather than per item. Each caller gets the result for its own item; a failed
 * flush rejects every caller of that batch, so every job of it is retried.
 *
 * A full batch is flushed on the next turn of the event loop, one batch per turn: jobs that arrive
 * together (a Redis reply can hand over dozens) would otherwise have their batches written back to
 * back in one turn, and a synchronous store (SQLite) then held the loop, and with it BullMQ's lock
 * renewals, for as long as all of them took: locks expired and live jobs were taken for stalled.
 */
export class MicroBatcher<T, R> {
  private pending: Array<{ item: T; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;

  constructor(
    private readonly flushBatch: (items: T[]) => Promise<R[]>,
    private readonly maxSize: number,
    private readonly maxWaitMs: number,
  ) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.pending.length === 0 || this.immediate) return;
    if (this.pending.length >= this.maxSize) {
      if (this.timer) { clearTimeout(this.timer); this.timer = null; }
      this.immediate = setImmediate(() => { this.immediate = null; void this.flush(); });
    } else if (!this.timer) {
      this.timer = setTimeout(() => { this.timer = null; void this.flush(); }, this.maxWaitMs);
    }
  }

  /** Writes up to one batch of what is pending now; the rest waits for its own turn. */
  async flush(): Promise<void> {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    const batch = this.pending.splice(0, this.maxSize);
    this.schedule();
    if (batch.length === 0) return;
    try {
      const results = await this.flushBatch(batch.map((b) => b.item));
      batch.forEach((b, i) => b.resolve(results[i]!));
    } catch (err) {
      for (const b of batch) b.reject(err);
    }
  }
}
