// The byte form of streaming state kept in the snapshot between nights: unsigned varints for counts
// and ids, times as varint deltas from a base, doubles for hashes. Compact because every actor seen
// within the window keeps one.

export class StateWriter {
  #buf = new Uint8Array(256);
  #n = 0;
  readonly #f64 = new Float64Array(1);
  readonly #f64b = new Uint8Array(this.#f64.buffer);

  #room(k: number): void {
    if (this.#n + k <= this.#buf.length) return;
    const b = new Uint8Array(Math.max(this.#buf.length * 2, this.#n + k));
    b.set(this.#buf.subarray(0, this.#n));
    this.#buf = b;
  }

  /** A non-negative integer up to 2^53. */
  uint(v: number): void {
    if (!(v >= 0) || !Number.isSafeInteger(v)) throw new Error(`state codec: ${v} is not a non-negative safe integer`);
    this.#room(8);
    while (v >= 0x80) {
      this.#buf[this.#n++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.#buf[this.#n++] = v;
  }

  /** A signed integer (zig-zag). */
  int(v: number): void {
    this.uint(v < 0 ? -2 * v - 1 : 2 * v);
  }

  f64(v: number): void {
    this.#room(8);
    this.#f64[0] = v;
    this.#buf.set(this.#f64b, this.#n);
    this.#n += 8;
  }

  str(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.uint(b.length);
    this.#room(b.length);
    this.#buf.set(b, this.#n);
    this.#n += b.length;
  }

  /** A time (ms) relative to `base`; -Infinity/Infinity are written as sentinels. */
  time(v: number, base: number): void {
    if (v === -Infinity) return this.uint(0);
    if (v === Infinity) return this.uint(1);
    const d = v - base;
    this.uint((d < 0 ? -2 * d - 1 : 2 * d) + 2);
  }

  bytes(): Uint8Array {
    return this.#buf.slice(0, this.#n);
  }

  get length(): number {
    return this.#n;
  }

  reset(): void {
    this.#n = 0;
  }
}

export class StateReader {
  #i = 0;
  readonly #f64 = new Float64Array(1);
  readonly #f64b = new Uint8Array(this.#f64.buffer);
  constructor(private readonly b: Uint8Array) {}

  uint(): number {
    let v = 0;
    let mul = 1;
    for (;;) {
      if (this.#i >= this.b.length) throw new Error('state codec: truncated');
      const c = this.b[this.#i++]!;
      v += (c & 0x7f) * mul;
      if (c < 0x80) return v;
      mul *= 0x80;
    }
  }

  int(): number {
    const u = this.uint();
    return u % 2 === 1 ? -(u + 1) / 2 : u / 2;
  }

  f64(): number {
    if (this.#i + 8 > this.b.length) throw new Error('state codec: truncated');
    this.#f64b.set(this.b.subarray(this.#i, this.#i + 8));
    this.#i += 8;
    return this.#f64[0]!;
  }

  str(): string {
    const n = this.uint();
    if (this.#i + n > this.b.length) throw new Error('state codec: truncated');
    const s = Buffer.from(this.b.buffer, this.b.byteOffset + this.#i, n).toString('utf8');
    this.#i += n;
    return s;
  }

  time(base: number): number {
    const u = this.uint();
    if (u === 0) return -Infinity;
    if (u === 1) return Infinity;
    const z = u - 2;
    return base + (z % 2 === 1 ? -(z + 1) / 2 : z / 2);
  }

  get done(): boolean {
    return this.#i >= this.b.length;
  }
}
