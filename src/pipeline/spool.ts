// Reorder, built on a spool (src/io/spool.ts): rows written once and read back in another order (route's easy-first
// order, curate's dropped rows after the kept ones), so a reordering command keeps only offsets in memory.
import type { Spool } from '../io/spool.js';

/** A bucket's block: rows gathered and appended to the spool together (a longer row is a block of its own). */
const BLOCK = 1 << 15;
/** The most bytes of one bucket held in memory while it is drained; a larger bucket is split again by rank. */
const LOAD = 1 << 25;
const MAX_BUCKETS = 1024;
/** Each row in a block: its rank and its length (little-endian uint32), then its bytes. */
const HEAD = 8;

/**
 * Rows put in any order, each with its rank (its position in the output, lo <= rank < lo + n), and drained in rank
 * order through a spool: a bucket sort. A row goes to one of B buckets by rank range, gathered in a small block
 * that is appended to the spool when full; draining reads one bucket at a time (its blocks, in order) and emits its
 * rows by rank. B is about sqrt(expected bytes / block), so the blocks being gathered and the bucket being drained
 * are each about sqrt(bytes * block) (6 MB for 1 GB); a bucket over 32 MB is split again by rank as it is drained.
 * The spool is read a block at a time, not a row at a time. Several reorders may share one spool.
 */
export class Reorder {
  private readonly b: number;
  private readonly fill: (Uint8Array | undefined)[];
  private readonly used: Int32Array;
  /** Per bucket: the spool offset and length of each block appended, in order. */
  private readonly blocks: number[][];
  private readonly sealed: Float64Array;

  constructor(
    private readonly spool: Spool,
    private readonly n: number,
    expectedBytes: number,
    private readonly lo = 0,
    /** The most bytes of a bucket drained at once (LOAD; smaller in tests, to split). */
    private readonly load = LOAD,
    /** At least this many buckets (a split bucket's reorder: at least 2, each about half the load). */
    minBuckets = 1,
  ) {
    const want = Math.max(minBuckets, Math.ceil(Math.sqrt(Math.max(0, expectedBytes) / BLOCK)));
    this.b = Math.max(1, Math.min(MAX_BUCKETS, n, Number.isFinite(want) ? want : MAX_BUCKETS));
    this.fill = new Array<Uint8Array | undefined>(this.b);
    this.used = new Int32Array(this.b);
    this.blocks = Array.from({ length: this.b }, () => []);
    this.sealed = new Float64Array(this.b);
  }

  /** The first rank of bucket k (relative to lo); bucket k holds [first(k), first(k + 1)). */
  private first(k: number): number {
    return Math.ceil((k * this.n) / this.b);
  }

  /** Adds the row of `rank` (its bytes are copied). */
  put(rank: number, bytes: Uint8Array): void {
    const r = rank - this.lo;
    if (!(r >= 0 && r < this.n) || !Number.isInteger(r)) throw new RangeError(`pairsmith: internal error: rank ${rank} outside [${this.lo}, ${this.lo + this.n})`);
    const k = Math.floor((r * this.b) / this.n);
    const need = HEAD + bytes.length;
    if (need > BLOCK) {
      this.seal(k);
      const e = new Uint8Array(need);
      head(e, 0, rank, bytes.length);
      e.set(bytes, HEAD);
      this.append(k, e);
      return;
    }
    if (this.used[k]! + need > BLOCK) this.seal(k);
    const f = (this.fill[k] ??= new Uint8Array(BLOCK));
    const at = this.used[k]!;
    head(f, at, rank, bytes.length);
    f.set(bytes, at + HEAD);
    this.used[k] = at + need;
  }

  private append(k: number, bytes: Uint8Array): void {
    this.blocks[k]!.push(this.spool.append(bytes), bytes.length);
    this.sealed[k] = this.sealed[k]! + bytes.length;
  }

  private seal(k: number): void {
    const u = this.used[k]!;
    if (u === 0) return;
    this.append(k, this.fill[k]!.subarray(0, u));
    this.used[k] = 0;
  }

  /** Emits every row put, in rank order (awaiting `emit` when it returns a promise; a row's bytes are valid until then). */
  async drain(emit: (row: Uint8Array) => Promise<void> | void): Promise<void> {
    let buf = new Uint8Array(0);
    for (let k = 0; k < this.b; k++) {
      const r0 = this.first(k);
      const r1 = this.first(k + 1);
      const total = this.sealed[k]! + this.used[k]!;
      const blocks = this.blocks[k]!;
      if (total === 0) continue;
      if (total > this.load && r1 - r0 > 1) {
        // Too large to hold: its rows go to a reorder over its ranks, block by block.
        const sub = new Reorder(this.spool, r1 - r0, total, this.lo + r0, this.load, Math.max(2, Math.ceil((2 * total) / this.load)));
        const feed = (block: Uint8Array): void => entries(block, (rank, s, e) => sub.put(rank, block.subarray(s, e)));
        for (let j = 0; j < blocks.length; j += 2) feed(this.spool.read(blocks[j]!, blocks[j + 1]!).slice());
        if (this.used[k]! > 0) feed(this.fill[k]!.subarray(0, this.used[k]!));
        this.release(k);
        await sub.drain(emit);
        continue;
      }
      if (buf.length < total) buf = new Uint8Array(Math.max(total, Math.min(this.load, buf.length * 2)));
      let at = 0;
      for (let j = 0; j < blocks.length; j += 2) {
        buf.set(this.spool.read(blocks[j]!, blocks[j + 1]!), at);
        at += blocks[j + 1]!;
      }
      if (this.used[k]! > 0) buf.set(this.fill[k]!.subarray(0, this.used[k]!), at);
      this.release(k);
      const data = buf.subarray(0, total);
      const pos = new Int32Array(r1 - r0).fill(-1);
      entries(data, (rank, s) => {
        const p = rank - this.lo - r0;
        if (pos[p] !== -1) throw new Error(`pairsmith: internal error: rank ${rank} put twice`);
        pos[p] = s;
      });
      for (let p = 0; p < pos.length; p++) {
        const s = pos[p]!;
        if (s < 0) continue;
        const w = emit(data.subarray(s, s + u32(data, s - 4)));
        if (w) await w;
      }
    }
  }

  private release(k: number): void {
    this.fill[k] = undefined;
    this.used[k] = 0;
    this.blocks[k] = [];
    this.sealed[k] = 0;
  }
}

function head(b: Uint8Array, at: number, rank: number, length: number): void {
  b[at] = rank & 0xff;
  b[at + 1] = (rank >>> 8) & 0xff;
  b[at + 2] = (rank >>> 16) & 0xff;
  b[at + 3] = rank >>> 24;
  b[at + 4] = length & 0xff;
  b[at + 5] = (length >>> 8) & 0xff;
  b[at + 6] = (length >>> 16) & 0xff;
  b[at + 7] = length >>> 24;
}

function u32(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

/** Calls `each(rank, start, end)` for the rows of a run of whole entries (start..end: the row's bytes). */
function entries(b: Uint8Array, each: (rank: number, start: number, end: number) => void): void {
  let at = 0;
  while (at < b.length) {
    const s = at + HEAD;
    const e = s + u32(b, at + 4);
    each(u32(b, at), s, e);
    at = e;
  }
}
