/**
 * Input tensors handed back after a network call, kept for the next batch of the same size. A batch
 * tensor (batch 4 at 656×368: ~12 MB) allocated fresh each time costs the labeller more in page
 * faults, zeroing and garbage collection than filling it does (docs/pose2d.md, Throughput); reusing a
 * few keeps the main thread's time per frame down and its memory flat.
 */
export class TensorPool {
  private readonly spare: Float32Array[] = [];

  /** At most `capacity` tensors are kept; more are left to the garbage collector. */
  constructor(private readonly capacity = 8) {}

  /** A tensor of exactly `values` values: a spare one when one fits (its old contents remain), else a new one. */
  take(values: number): Float32Array {
    const index = this.spare.findIndex((tensor) => tensor.length === values);
    if (index < 0) return new Float32Array(values);
    return this.spare.splice(index, 1)[0]!;
  }

  /** Keeps a tensor nobody else uses any more for a later take(). */
  give(tensor: Float32Array): void {
    if (this.spare.length < this.capacity) this.spare.push(tensor);
  }
}
