// The batch-coupled parts of the loss kernels: sft (a token mean per batch) and aot/aot_unpaired (sorts per
// batch). Scalar code; scratch comes from the caller (losses.ts: dpoLossesScratchBytes). No allocation.
import { ld, ldi, st, sti } from "../util/mem";
import { logistic, SPN, SPP, SGN, SGP } from "../util/logistic";

/** Sorts idx[0..m) by (key[idx], idx) ascending: heapsort, so the order is the same on every backend. */
function sortIndex(idx: usize, key: usize, m: i32): void {
  for (let i = 0; i < m; i++) sti(idx, i, i);
  for (let start = (m >> 1) - 1; start >= 0; start--) siftDown(idx, key, start, m);
  for (let end = m - 1; end > 0; end--) {
    const a = ldi(idx, 0);
    sti(idx, 0, ldi(idx, end));
    sti(idx, end, a);
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
    if (child + 1 < end && before(key, ldi(idx, child), ldi(idx, child + 1))) child++;
    const r = ldi(idx, root);
    const c = ldi(idx, child);
    if (!before(key, r, c)) return;
    sti(idx, root, c);
    sti(idx, child, r);
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

/** Bytes of scratch aot needs for n rows in batches of `batch`: 3 f64 and 2 i32 per row of one batch. */
export function aotScratchBytes(n: i32, batch: i32): i32 {
  const cap = max(1, min(batch, n));
  return cap * 32;
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
  const cap = batch < n ? batch : n; // scratch holds min(batchSize, n) rows (aotScratchBytes)
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
      const a = ldi(idxA, j);
      const b = ldi(idxB, j);
      const u = beta * (ld(keyA, a) - ld(keyB, b));
      logistic(u);
      st(lo, b0 + j, (1 - eps) * SPN + (eps > 0 ? eps * SPP : 0));
      st(gbuf, j, beta * (-(1 - eps) * SGN + eps * SGP));
    }
    for (let j = 0; j < m; j++) {
      const a = ldi(idxA, j);
      const g = ld(gbuf, j);
      st(gc, b0 + a, g);
      st(gr, b0 + (paired ? a : ldi(idxB, j)), -g);
    }
  }
}
