// Growable typed columns (amortised doubling): `a` may be replaced on growth, `n` is the filled length.

/**
 * The capacity to grow a column of capacity `cap` to, to hold `need` elements: `expected` (its final length, when
 * estimated) when that covers them, else half as much again (an estimate that falls short grows by half). An
 * estimate is trusted up to 64 times `need`: one made from a few dense records at the start of a skewed file cannot
 * ask for more than that (a larger one is reached in steps).
 */
export function capacityFor(need: number, cap: number, expected = 0): number {
  return Math.max(need, Math.min(Math.ceil(expected), 64 * need), Math.ceil(cap * 1.5));
}

type Typed = Float64Array | Int32Array | Uint8Array;

/**
 * What the column types share (growth, bulk appends). push() stays in each subclass: the hot per-element store is
 * then monomorphic (one element kind per function).
 */
abstract class Grow<T extends Typed> {
  abstract a: T;
  n = 0;
  protected abstract make(n: number): T;
  /** Room for `k` more elements (doubling). */
  ensure(k: number): void {
    if (this.n + k <= this.a.length) return;
    let c = this.a.length * 2;
    while (c < this.n + k) c *= 2;
    this.reserve(c);
  }
  /** Grows the storage to exactly `total` elements when it holds fewer (no doubling: for a known final size). */
  reserve(total: number): void {
    if (total <= this.a.length) return;
    const b = this.make(total);
    b.set(this.a.subarray(0, this.n));
    this.a = b;
  }
  /** Appends every element of `xs`. */
  append(xs: T): void {
    this.ensure(xs.length);
    this.a.set(xs, this.n);
    this.n += xs.length;
  }
  values(): T {
    return this.a.subarray(0, this.n) as T;
  }
}

/**
 * Makes room for `need` elements in every one of `cols` (columns filled in step): once they are full, all grow to
 * capacityFor(need, their capacity, expected).
 */
export function growAll(cols: readonly { readonly a: { length: number }; reserve(total: number): void }[], need: number, expected = 0): void {
  const cap = cols[0]!.a.length;
  if (need <= cap) return;
  const total = capacityFor(need, cap, expected);
  for (const c of cols) c.reserve(total);
}

export class GrowF64 extends Grow<Float64Array> {
  a = new Float64Array(1024);
  protected make(n: number): Float64Array {
    return new Float64Array(n);
  }
  push(x: number): void {
    if (this.n === this.a.length) this.ensure(1);
    this.a[this.n++] = x;
  }
}

export class GrowI32 extends Grow<Int32Array> {
  a = new Int32Array(1024);
  protected make(n: number): Int32Array {
    return new Int32Array(n);
  }
  push(x: number): void {
    if (this.n === this.a.length) this.ensure(1);
    this.a[this.n++] = x;
  }
}

export class GrowU8 extends Grow<Uint8Array> {
  a = new Uint8Array(1024);
  protected make(n: number): Uint8Array {
    return new Uint8Array(n);
  }
  push(x: number): void {
    if (this.n === this.a.length) this.ensure(1);
    this.a[this.n++] = x;
  }
}

/**
 * A column that holds no memory while every value is its `fill` (a pairs input's candidate indices, -1; the implicit
 * margins of an input without log-probs, NaN): its storage is made at the first other value, with the fills before
 * it written out. `values()` of a column still all fill is a new array (not kept).
 */
export class FillColumn<G extends GrowF64 | GrowI32> {
  n = 0;
  private grow: G | undefined;
  constructor(
    private readonly make: () => G,
    readonly fill: number,
  ) {}
  /** Whether some value is not the fill (the column has storage). */
  get materialized(): boolean {
    return this.grow !== undefined;
  }
  private isFill(x: number): boolean {
    return Number.isNaN(this.fill) ? Number.isNaN(x) : x === this.fill;
  }
  /** Storage for at least `capacity` elements, the first n of them the fill. */
  private store(capacity: number): G {
    if (this.grow) {
      this.grow.reserve(capacity);
      return this.grow;
    }
    const g = this.make();
    g.reserve(Math.max(capacity, this.n));
    g.a.fill(this.fill, 0, this.n);
    g.n = this.n;
    this.grow = g;
    return g;
  }
  /** Appends `xs`; an empty `xs` stands for `count` fills. `capacity`: the room to make when storage is needed. */
  append(xs: G['a'], count: number, capacity: number): void {
    if (xs.length === 0) {
      if (this.grow) {
        const g = this.store(Math.max(capacity, this.n + count));
        g.a.fill(this.fill, g.n, g.n + count);
        g.n += count;
      }
      this.n += count;
      return;
    }
    if (xs.length !== count) throw new RangeError(`pairsmith: internal error: ${xs.length} values for ${count} elements`);
    this.store(Math.max(capacity, this.n + count)).append(xs as never);
    this.n += count;
  }
  push(x: number): void {
    if (this.grow) this.grow.push(x);
    else if (!this.isFill(x)) this.store(Math.max(1024, 2 * this.n)).push(x);
    this.n++;
  }
  get(i: number): number {
    return this.grow ? this.grow.a[i]! : this.fill;
  }
  values(): G['a'] {
    if (this.grow) return this.grow.values() as G['a'];
    const g = this.make();
    g.reserve(this.n);
    g.a.fill(this.fill);
    g.n = this.n;
    return g.values() as G['a'];
  }
}
