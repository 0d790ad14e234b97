// Bounded, reproducible samples: keep the k items with the smallest hash key. With a hash of a stable id (the
// prompt index, or a candidate's prompt index and place in its pool) the sample depends neither on how the input
// was split into chunks or shards nor on any random state, and the samples of two parts of an input merge into the
// sample of the whole (offer one's entries to the other).

/**
 * Fibonacci hashing (Knuth): i * 2654435761 mod 2^32. A bijection on 32-bit integers that spreads consecutive
 * integers evenly, so the k smallest hashes of 0..N-1 are spread evenly over 0..N-1 (index 0 always first).
 */
export function fibHash(i: number): number {
  return Math.imul(i | 0, 2654435761) >>> 0;
}

/** A 32-bit hash of the pair (a, b) of 32-bit integers (Fibonacci hash of a, mixed with b by murmur3's finalizer). */
export function pairHash(a: number, b: number): number {
  let h = (Math.imul(a | 0, 2654435761) ^ Math.imul(b | 0, 0x85ebca6b)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Sample keys of item j of group p (0 <= p < 2^31, 0 <= j < 2^32), as BottomK's (key, tie): the order of (key, tie)
 * is that of (pairHash(p, j), p, j), a total order on the items, so no two items tie and the kept set is unique.
 */
export function itemKey(p: number, j: number): number {
  return pairHash(p, j) * 2097152 + Math.floor(p / 1024);
}

export function itemTie(p: number, j: number): number {
  return (p % 1024) * 4294967296 + j;
}

/** One kept item with its keys (what a sample's state holds). */
export interface SampleEntry<T> {
  key: number;
  tie: number;
  item: T;
}

/**
 * The `k` items with the smallest (key, tie) offered so far, ordered by key, then tie (a max-heap). Items with the
 * same key and tie: the earlier stays. With distinct (key, tie) the kept set does not depend on the order of the
 * offers, so samples merge exactly.
 */
export class BottomK<T> {
  private readonly keys: number[] = [];
  private readonly ties: number[] = [];
  private readonly items: T[] = [];

  constructor(readonly k: number) {}

  get size(): number {
    return this.keys.length;
  }

  /** Whether an item with these keys would be kept (ask before building an expensive item). */
  admits(key: number, tie = 0): boolean {
    if (this.k <= 0) return false;
    if (this.keys.length < this.k) return true;
    const top = this.keys[0]!;
    return key < top || (key === top && tie < this.ties[0]!);
  }

  /** Offers an item; returns whether it was kept. `make` is called only when it is. */
  offer(key: number, make: () => T, tie = 0): boolean {
    if (!this.admits(key, tie)) return false;
    const item = make();
    if (this.keys.length < this.k) {
      this.keys.push(key);
      this.ties.push(tie);
      this.items.push(item);
      this.up(this.keys.length - 1);
    } else {
      this.keys[0] = key;
      this.ties[0] = tie;
      this.items[0] = item;
      this.down(0);
    }
    return true;
  }

  /** The kept items by increasing (key, tie). */
  sorted(): T[] {
    return this.entries().map((e) => e.item);
  }

  /** The kept items with their keys, by increasing (key, tie): a sample's state (offer them to merge). */
  entries(): SampleEntry<T>[] {
    const order = this.keys.map((_, i) => i).sort((a, b) => this.keys[a]! - this.keys[b]! || this.ties[a]! - this.ties[b]!);
    return order.map((i) => ({ key: this.keys[i]!, tie: this.ties[i]!, item: this.items[i]! }));
  }

  /** The kept items in heap order (cheap; for aggregates that do not care about order). */
  values(): readonly T[] {
    return this.items;
  }

  /** Whether entry a comes after entry b. */
  private after(a: number, b: number): boolean {
    const ka = this.keys[a]!;
    const kb = this.keys[b]!;
    return ka > kb || (ka === kb && this.ties[a]! > this.ties[b]!);
  }

  private swap(a: number, b: number): void {
    const k = this.keys[a]!;
    this.keys[a] = this.keys[b]!;
    this.keys[b] = k;
    const x = this.ties[a]!;
    this.ties[a] = this.ties[b]!;
    this.ties[b] = x;
    const t = this.items[a]!;
    this.items[a] = this.items[b]!;
    this.items[b] = t;
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.after(i, p)) return;
      this.swap(p, i);
      i = p;
    }
  }

  private down(i: number): void {
    const n = this.keys.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.after(l, m)) m = l;
      if (r < n && this.after(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
