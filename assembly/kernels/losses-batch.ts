// The batch-coupled parts of the loss kernels: sft (a token mean per batch) and aot/aot_unpaired (sorts per
// batch). Scalar code; scratch comes from the caller. No allocation.
import { ld, st, logistic, SPN, SPP, SGN, SGP } from "../util/logistic";

/** Sorts idx[0..m) by (key[idx], idx) ascending: heapsort, so the order is the same on every backend. */
function sortIndex(idx: usize, key: usize, m: i32): void {
  for (let i = 0; i < m; i++) store<i32>(idx + (<usize>i << 2), i);
  for (let start = (m >> 1) - 1; start >= 0; start--) siftDown(idx, key, start, m);
  for (let end = m - 1; end > 0; end--) {
    const a = load<i32>(idx);
    store<i32>(idx, load<i32>(idx + (<usize>end << 2)));
    store<i32>(idx + (<usize>end << 2), a);
    siftDown(idx, key, 0, end);
  }
}

@inline function before(key: usize, a: i32, b: i32): bool {
  const ka = ld(key, a);
  const kb = ld(key, b);
  return ka < kb || (ka == kb && a < b);
}

function siftDown(idx: usize, key: usize, start: i32, end: i32): void {
  let root = start;
  while (true) {
    let child = 2 * root + 1;
    if (child >= end) return;
    const ci = load<i32>(idx + (<usize>child << 2));
    if (child + 1 < end) {
      const c2 = load<i32>(idx + (<usize>(child + 1) << 2));
      if (before(key, ci, c2)) child++;
    }
    const r = load<i32>(idx + (<usize>root << 2));
    const c = load<i32>(idx + (<usize>child << 2));
    if (!before(key, r, c)) return;
    store<i32>(idx + (<usize>root << 2), c);
    store<i32>(idx + (<usize>child << 2), r);
    root = child;
  }
}

/** sft: token-mean NLL of the chosen completions of each batch, broadcast to the batch's rows. */
export function sft(pc: usize, nw: usize, n: i32, batch: i32, lo: usize, gc: usize, gr: usize): void {
  for (let b0 = 0; b0 < n; b0 += batch) {
    const b1 = b0 + batch < n ? b0 + batch : n;
    let s: f64 = 0;
    let cnt: f64 = 0;
    for (let i = b0; i < b1; i++) {
      s += ld(pc, i);
      cnt += nw != 0 ? ld(nw, i) : 1.0;
    }
    if (cnt < 1) cnt = 1;
    const L = -s / cnt;
    const g = -(<f64>(b1 - b0)) / cnt;
    for (let i = b0; i < b1; i++) {
      st(lo, i, L);
      st(gc, i, g);
      st(gr, i, 0);
    }
  }
}

/**
 * aot (paired: sort policy log-odds and reference log-odds) or aot_unpaired (sort c and r) per batch.
 * Row b0+i gets the loss of sorted position i (as TRL's per-sequence tensor); gradients go back to the rows
 * whose values sit at each sorted position.
 */
export function aot(
  paired: bool, pc: usize, pr: usize, rc: usize, rr: usize, n: i32, beta: f64, eps: f64, batch: i32,
  lo: usize, gc: usize, gr: usize, scratch: usize,
): void {
  const cap = batch < n ? batch : n; // scratch holds min(batchSize, n) rows
  const keyA = scratch;
  const keyB = scratch + (<usize>cap << 3);
  const gbuf = scratch + (<usize>cap << 4);
  const idxA = scratch + (<usize>cap * 24);
  const idxB = idxA + (<usize>cap << 2);
  for (let b0 = 0; b0 < n; b0 += batch) {
    const m = b0 + batch < n ? batch : n - b0;
    for (let j = 0; j < m; j++) {
      const i = b0 + j;
      if (paired) {
        st(keyA, j, ld(pc, i) - ld(pr, i));
        st(keyB, j, ld(rc, i) - ld(rr, i));
      } else {
        st(keyA, j, ld(pc, i) - ld(rc, i));
        st(keyB, j, ld(pr, i) - ld(rr, i));
      }
    }
    sortIndex(idxA, keyA, m);
    sortIndex(idxB, keyB, m);
    for (let j = 0; j < m; j++) {
      const a = load<i32>(idxA + (<usize>j << 2));
      const b = load<i32>(idxB + (<usize>j << 2));
      const u = beta * (ld(keyA, a) - ld(keyB, b));
      logistic(u);
      st(lo, b0 + j, (1 - eps) * SPN + eps * SPP);
      st(gbuf, j, beta * (-(1 - eps) * SGN + eps * SGP));
    }
    for (let j = 0; j < m; j++) {
      const a = load<i32>(idxA + (<usize>j << 2));
      const g = ld(gbuf, j);
      st(gc, b0 + a, g);
      if (paired) st(gr, b0 + a, -g);
      else st(gr, b0 + load<i32>(idxB + (<usize>j << 2)), -g);
    }
  }
}
