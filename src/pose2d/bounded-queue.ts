/**
 * A FIFO between two pipeline stages that holds at most `capacity` items: push waits while it is full,
 * so a fast stage cannot run ahead of a slow one and memory stays bounded. One producer, one consumer.
 * fail() wakes both sides with the error, so one failing stage stops the whole pipeline.
 */
export class BoundedQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private closed = false;
  private failure: { error: unknown } | undefined;
  private wakeConsumer: (() => void) | undefined;
  private wakeProducer: (() => void) | undefined;

  constructor(private readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError('capacity must be at least 1');
  }

  async push(item: T): Promise<void> {
    while (this.items.length >= this.capacity && !this.failure) await new Promise<void>((resolve) => (this.wakeProducer = resolve));
    if (this.failure) throw this.failure.error;
    if (this.closed) throw new Error('push after close');
    this.items.push(item);
    this.wake('consumer');
  }

  /** No more items: the consumer finishes once the queue is drained. */
  close(): void {
    this.closed = true;
    this.wake('consumer');
  }

  fail(error: unknown): void {
    this.failure ??= { error };
    this.wake('consumer');
    this.wake('producer');
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      if (this.failure) throw this.failure.error;
      if (this.items.length > 0) {
        const item = this.items.shift()!;
        this.wake('producer');
        yield item;
        continue;
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => (this.wakeConsumer = resolve));
    }
  }

  private wake(side: 'consumer' | 'producer'): void {
    const resolve = side === 'consumer' ? this.wakeConsumer : this.wakeProducer;
    if (side === 'consumer') this.wakeConsumer = undefined;
    else this.wakeProducer = undefined;
    resolve?.();
  }
}
