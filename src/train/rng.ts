/**
 * A small seeded random number generator (sfc32) whose whole state is four uint32 words, so a
 * checkpoint can store it and a resumed run draws exactly the numbers the uninterrupted run would
 * have drawn. Everything random in training (initial weights, window offsets, flips, dropout
 * masks, discriminator reals) comes from one of these, never from Math.random.
 */
export type RngState = [number, number, number, number];

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number | RngState) {
    if (Array.isArray(seed)) {
      [this.a, this.b, this.c, this.d] = seed.map((word) => word >>> 0) as RngState;
      return;
    }
    // Spread the seed over the state with splitmix32, then discard the first outputs as the
    // sfc32 authors recommend, so nearby seeds give unrelated streams.
    let x = seed >>> 0;
    const splitmix = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = splitmix();
    this.b = splitmix();
    this.c = splitmix();
    this.d = splitmix();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  get state(): RngState {
    return [this.a, this.b, this.c, this.d];
  }

  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Uniform in [low, high), filled into a new Float32Array. */
  uniformArray(length: number, low: number, high: number): Float32Array {
    const out = new Float32Array(length);
    const span = high - low;
    for (let i = 0; i < length; i++) out[i] = low + span * this.next();
    return out;
  }

  /**
   * Inverted-dropout mask: each entry is 0 with probability `rate`, else 1/(1−rate). For the
   * paper's rate 0.5 one uint32 supplies 32 entries, which keeps mask generation off the profile.
   */
  dropoutMask(length: number, rate: number): Float32Array {
    const out = new Float32Array(length);
    const keep = 1 / (1 - rate);
    if (rate === 0.5) {
      for (let i = 0; i < length; i += 32) {
        let bits = this.nextUint32();
        const end = Math.min(length, i + 32);
        for (let j = i; j < end; j++, bits >>>= 1) out[j] = bits & 1 ? keep : 0;
      }
      return out;
    }
    for (let i = 0; i < length; i++) out[i] = this.next() < rate ? 0 : keep;
    return out;
  }
}
