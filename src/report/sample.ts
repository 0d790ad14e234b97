// Bounded, reproducible samples: keep the k items with the smallest hash key. With a hash of a stable id (the
// prompt index, or the ordinal of a candidate in input order) the sample depends neither on how the input was
// split into chunks nor on any random state.

/**
 * Fibonacci hashing (Knuth): i * 2654435761 mod 2^32. A bijection on 32-bit integers that spreads consecutive
 * integers evenly, so the k smallest hashes of 0..N-1 are spread evenly over 0..N-1 (index 0 always first).
 */
export function fibHash(i: number): number {
  return Math.imul(i | 0, 2654435761) >>> 0;
}

/** The `k` items with the smallest keys offered so far (a max-heap on the key). Equal keys: the earlier stays. */
export class BottomK<T> {
  private readonly keys: number[] = [];
  private readonly items: T[] = [];

  constructor(readonly k: number) {}

  get size(): number {
    return this.keys.length;
  }

  /** Whether an item with this key would be kept (ask before building an expensive item). */
  admits(key: number): boolean {
    return this.k > 0 && (this.keys.length < this.k || key < this.keys[0]!);
  }

  /** Offers an item; returns whether it was kept. `make` is called only when it is. */
  offer(key: number, make: () => T): boolean {
    if (!this.admits(key)) return false;
    const item = make();
    if (this.keys.length < this.k) {
      this.keys.push(key);
      this.items.push(item);
      this.up(this.keys.length - 1);
    } else {
      this.keys[0] = key;
      this.items[0] = item;
      this.down(0);
    }
    return true;
  }

  /** The kept items by increasing key. */
  sorted(): T[] {
    const order = this.keys.map((_, i) => i).sort((a, b) => this.keys[a]! - this.keys[b]!);
    return order.map((i) => this.items[i]!);
  }

  /** The kept items in heap order (cheap; for aggregates that do not care about order). */
  values(): readonly T[] {
    return this.items;
  }

  private swap(a: number, b: number): void {
    const k = this.keys[a]!;
    this.keys[a] = this.keys[b]!;
    this.keys[b] = k;
    const t = this.items[a]!;
    this.items[a] = this.items[b]!;
    this.items[b] = t;
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.keys[p]! >= this.keys[i]!) return;
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
      if (l < n && this.keys[l]! > this.keys[m]!) m = l;
      if (r < n && this.keys[r]! > this.keys[m]!) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
