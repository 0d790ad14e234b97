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

export class GrowF64 {
  a: Float64Array = new Float64Array(1024);
  n = 0;
  ensure(k: number): void {
    if (this.n + k <= this.a.length) return;
    let c = this.a.length * 2;
    while (c < this.n + k) c *= 2;
    const b = new Float64Array(c);
    b.set(this.a.subarray(0, this.n));
    this.a = b;
  }
  push(x: number): void {
    if (this.n === this.a.length) this.ensure(1);
    this.a[this.n++] = x;
  }
  /** Grows the storage to exactly `total` elements when it holds fewer (no doubling: for a known final size). */
  reserve(total: number): void {
    if (total <= this.a.length) return;
    const b = new Float64Array(total);
    b.set(this.a.subarray(0, this.n));
    this.a = b;
  }
  /** Appends every element of `xs`. */
  append(xs: Float64Array): void {
    this.ensure(xs.length);
    this.a.set(xs, this.n);
    this.n += xs.length;
  }
  values(): Float64Array {
    return this.a.subarray(0, this.n);
  }
}

export class GrowI32 {
  a: Int32Array = new Int32Array(1024);
  n = 0;
  ensure(k: number): void {
    if (this.n + k <= this.a.length) return;
    let c = this.a.length * 2;
    while (c < this.n + k) c *= 2;
    const b = new Int32Array(c);
    b.set(this.a.subarray(0, this.n));
    this.a = b;
  }
  push(x: number): void {
    if (this.n === this.a.length) this.ensure(1);
    this.a[this.n++] = x;
  }
  /** Grows the storage to exactly `total` elements when it holds fewer (no doubling: for a known final size). */
  reserve(total: number): void {
    if (total <= this.a.length) return;
    const b = new Int32Array(total);
    b.set(this.a.subarray(0, this.n));
    this.a = b;
  }
  /** Appends every element of `xs`. */
  append(xs: Int32Array): void {
    this.ensure(xs.length);
    this.a.set(xs, this.n);
    this.n += xs.length;
  }
  values(): Int32Array {
    return this.a.subarray(0, this.n);
  }
}

export class GrowU8 {
  a: Uint8Array = new Uint8Array(1024);
  n = 0;
  ensure(k: number): void {
    if (this.n + k <= this.a.length) return;
    let c = this.a.length * 2;
    while (c < this.n + k) c *= 2;
    const b = new Uint8Array(c);
    b.set(this.a.subarray(0, this.n));
    this.a = b;
  }
  push(x: number): void {
    if (this.n === this.a.length) this.ensure(1);
    this.a[this.n++] = x;
  }
  /** Grows the storage to exactly `total` elements when it holds fewer (no doubling: for a known final size). */
  reserve(total: number): void {
    if (total <= this.a.length) return;
    const b = new Uint8Array(total);
    b.set(this.a.subarray(0, this.n));
    this.a = b;
  }
  /** Appends every element of `xs`. */
  append(xs: Uint8Array): void {
    this.ensure(xs.length);
    this.a.set(xs, this.n);
    this.n += xs.length;
  }
  values(): Uint8Array {
    return this.a.subarray(0, this.n);
  }
}
