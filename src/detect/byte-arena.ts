// Frozen actor states, end to end in pages of PAGE bytes: no page is ever copied to grow, and the
// memory held is the bytes stored plus less than a page. An entry never spans pages (a larger one
// gets a page of its own). Space given back by take() is reused only when compact() rebuilds.

const PAGE = 1 << 20;

export class ByteArena {
  #pages: Uint8Array[] = [];
  #used = 0; // bytes used in the last page
  #live = 0;
  #dead = 0;

  /** Stores `len` bytes written by `write(page, at)`; returns where (a number for get()). */
  put(len: number, write: (page: Uint8Array, at: number) => void): number {
    let page = this.#pages[this.#pages.length - 1];
    if (!page || this.#used + len > page.length) {
      page = new Uint8Array(Math.max(PAGE, len));
      this.#pages.push(page);
      this.#used = 0;
    }
    const at = this.#used;
    write(page, at);
    this.#used += len;
    this.#live += len;
    return (this.#pages.length - 1) * PAGE + at;
  }

  /** The page and offset of an entry put() returned. */
  page(where: number): { page: Uint8Array; at: number } {
    const p = Math.floor(where / PAGE);
    return { page: this.#pages[p]!, at: where - p * PAGE };
  }

  /** An entry is no longer needed (its actor thawed). */
  release(len: number): void {
    this.#live -= len;
    this.#dead += len;
  }

  /** Bytes of live entries. */
  get bytes(): number {
    return this.#live;
  }

  /** Whether most of the stored bytes are dead. */
  get wasteful(): boolean {
    return this.#dead > 64 * PAGE && this.#dead > this.#live;
  }

  /** Copies the live entries into fresh pages: `entries` yields each live entry's place and length, `moved` learns its new place. */
  compact(entries: Iterable<[where: number, len: number]>, moved: (oldWhere: number, newWhere: number) => void): void {
    const old = this;
    const fresh = new ByteArena();
    for (const [where, len] of entries) {
      const { page, at } = old.page(where);
      moved(where, fresh.put(len, (p, to) => p.set(page.subarray(at, at + len), to)));
    }
    this.#pages = fresh.#pages;
    this.#used = fresh.#used;
    this.#live = fresh.#live;
    this.#dead = 0;
  }
}
