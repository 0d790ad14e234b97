// Growable typed columns (amortised doubling); `a` may be replaced on growth, `values()` is the filled part.

export class GrowF64 {
  a = new Float64Array(1024);
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
    this.ensure(1);
    this.a[this.n++] = x;
  }
  values(): Float64Array {
    return this.a.subarray(0, this.n);
  }
}

export class GrowI32 {
  a = new Int32Array(1024);
  n = 0;
  push(x: number): void {
    if (this.n === this.a.length) {
      const b = new Int32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = x;
  }
}
