// The byte form of streaming state kept in the snapshot between nights: unsigned varints for counts
// and ids, times as varint deltas from a base, doubles for hashes. Compact because every actor seen
// within the window keeps one.

// one scratch double for every reader and writer: a typed array per instance would cost more than most states
const F64 = new Float64Array(1);
const F64_BYTES = new Uint8Array(F64.buffer);

export class StateWriter {
  #buf: Uint8Array;
  #n = 0;

  constructor(capacity = 256) {
    this.#buf = new Uint8Array(capacity);
  }

  #room(k: number): void {
    if (this.#n + k <= this.#buf.length) return;
    const b = new Uint8Array(Math.max(this.#buf.length * 2, this.#n + k));
    b.set(this.#buf.subarray(0, this.#n));
    this.#buf = b;
  }

  /** A non-negative integer up to 2^53. */
  uint(v: number): void {
    if (!(v >= 0 && v <= Number.MAX_SAFE_INTEGER)) throw new Error(`state codec: ${v} is not a non-negative safe integer`);
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
    F64[0] = v;
    const b = this.#buf;
    const n = this.#n;
    for (let i = 0; i < 8; i++) b[n + i] = F64_BYTES[i]!;
    this.#n = n + 8;
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

  /** A copy of the bytes written. */
  bytes(): Uint8Array {
    return this.#buf.slice(0, this.#n);
  }

  /** The bytes written, without a copy when the buffer is nearly full (the writer must not be used again). */
  take(): Uint8Array {
    return this.#n * 8 >= this.#buf.length * 7 ? this.#buf.subarray(0, this.#n) : this.#buf.slice(0, this.#n);
  }

  /** Writes bytes encoded elsewhere. */
  append(b: Uint8Array): void {
    this.#room(b.length);
    this.#buf.set(b, this.#n);
    this.#n += b.length;
  }

  /** Copies the bytes written into `target` at `at`. */
  copyTo(target: Uint8Array, at: number): void {
    target.set(this.#buf.subarray(0, this.#n), at);
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
    const i = this.#i;
    if (i + 8 > this.b.length) throw new Error('state codec: truncated');
    for (let k = 0; k < 8; k++) F64_BYTES[k] = this.b[i + k]!;
    this.#i = i + 8;
    return F64[0]!;
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
