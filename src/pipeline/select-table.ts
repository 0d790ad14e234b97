// Select's pass-1 table: per pair, the numbers the selection ranks (external and implicit margins, the route margin)
// in memory, and what only the counts and pass 2 read (the record, the picks, the scores, where the record is in the
// input) in blocks, one per batch: in memory, or, given a spool, in the spool, read back a block at a time through a
// cursor. With a spool, pass 1 keeps 8 bytes per pair in memory (more with log-probs or routing), whatever the
// input's size. Runtime neutral.
import { FillColumn, growAll, GrowF64, GrowI32 } from '../io/grow.js';
import type { RecordBatch } from '../io/records.js';
import type { Spool } from '../io/spool.js';

/** Per pair, what pass 1 keeps (pairs are in input order, a record's pairs together). */
export interface PairNumbers {
  n: number;
  /** Record number of each pair. */
  record: Int32Array;
  /** Candidate indices (-1 for a pairs input). */
  chosen: Int32Array;
  rejected: Int32Array;
  /** Raw input scores (NaN: missing). */
  scoreChosen: Float64Array;
  scoreRejected: Float64Array;
  /** The ranked margins: external (on the --transform scale) and implicit (NaN: missing). */
  external: Float64Array;
  implicit: Float64Array;
}

/** Per pair of one batch, what pass 1 keeps (the Table's columns). */
export interface BatchNumbers {
  n: number;
  record: Int32Array;
  chosen: Int32Array;
  rejected: Int32Array;
  sc: Float64Array;
  sr: Float64Array;
  ext: Float64Array;
  imp: Float64Array;
  routeMargin: Float64Array;
  recOffset: Float64Array;
  recLength: Int32Array;
  recLine: Int32Array;
}

/**
 * One batch's pass-1 numbers for `n` pairs (filled by index: the batch knows its pair count). The columns of
 * FILL_COLUMNS may be left empty: all their fill (see dropFills).
 */
export function batchNumbers(n: number, routeMargin: boolean): BatchNumbers {
  return {
    n,
    record: new Int32Array(n),
    chosen: new Int32Array(n),
    rejected: new Int32Array(n),
    sc: new Float64Array(n),
    sr: new Float64Array(n),
    ext: new Float64Array(n),
    imp: new Float64Array(n),
    routeMargin: new Float64Array(routeMargin ? n : 0),
    recOffset: new Float64Array(n),
    recLength: new Int32Array(n),
    recLine: new Int32Array(n),
  };
}

/**
 * A batch's candidate indices (-1: a pairs input) and implicit margins (NaN: no log-probs) left empty when all fill.
 * Each empty array is its own (a worker transfers a batch's buffers back: no buffer shared between batches).
 */
export function dropFills(nb: BatchNumbers): BatchNumbers {
  if (nb.chosen.every((x) => x === -1) && nb.rejected.every((x) => x === -1)) {
    nb.chosen = new Int32Array(0);
    nb.rejected = new Int32Array(0);
  }
  if (nb.imp.every((x) => Number.isNaN(x))) nb.imp = new Float64Array(0);
  return nb;
}

/** Pair i of `nb` is in record r of the batch: where that record is in the input (pass 2 reads it back by position). */
export function place(nb: BatchNumbers, i: number, batch: RecordBatch, r: number): void {
  nb.recOffset[i] = batch.offset[r]!;
  nb.recLength[i] = batch.end[r]! - batch.start[r]!;
  nb.recLine[i] = batch.line[r]!;
}

/**
 * One block of the per-pair numbers only the counts and pass 2 read: pairs start .. start + n - 1. Empty picks
 * (chosen, rejected): every pick is -1 (a pairs input).
 */
type Block = Pick<BatchNumbers, 'n' | 'record' | 'chosen' | 'rejected' | 'sc' | 'sr' | 'recOffset' | 'recLength' | 'recLine'> & { start: number };
/** A block as PairBlocks.forEach gives it: pair start + j is at j of each column. */
export type PairBlock = Block;

/** Where a spilled block is: in the spool, its float64 columns first (sc, sr, recOffset), then the int32 ones. */
interface Spilled {
  n: number;
  picks: boolean;
  at: number;
  bytes: number;
}

/** Pushed pairs (a merge's) are gathered into blocks of this many. */
const PUSH_BLOCK = 4096;
/** Blocks stay in memory up to this many bytes in all, even with a spool: a small run reads no temp file. */
const KEEP_BYTES = 4 << 20;

/**
 * The per-pair numbers only the counts and pass 2 read, by blocks in pair order: kept as given, or, with a spool and
 * once they take more than KEEP_BYTES, written to it and read back a block at a time (PairCursor). Each block is a
 * batch's pairs, or PUSH_BLOCK pushed ones.
 */
export class PairBlocks {
  n = 0;
  /** The first pair of each block (ascending). */
  private readonly starts: number[] = [];
  /** Each block, in memory or where it is in the spool. */
  private readonly blocks: (Block | Spilled)[] = [];
  private keptBytes = 0;
  private spilling = false;
  /** The spool was released (Table.close): spilled blocks cannot be read any more. */
  closed = false;
  private pending: Block | undefined;
  private scratch = new Uint8Array(0);

  constructor(
    private readonly spool?: Spool,
    /** The bytes of blocks kept in memory before the spool takes them (KEEP_BYTES; tests spill at once). */
    private readonly keepBytes = KEEP_BYTES,
  ) {}

  /** Adds a batch's pairs (its arrays are kept, or copied to the spool). */
  append(b: BatchNumbers): void {
    this.seal();
    if (b.n === 0) return;
    this.add({ start: this.n, n: b.n, record: b.record, chosen: b.chosen, rejected: b.rejected, sc: b.sc, sr: b.sr, recOffset: b.recOffset, recLength: b.recLength, recLine: b.recLine });
  }

  /** Adds one pair (not placed in an input: offset, length and line 0). */
  push(record: number, chosen: number, rejected: number, sc: number, sr: number): void {
    let p = this.pending;
    if (!p) {
      const n = PUSH_BLOCK;
      p = this.pending = { start: this.n, n: 0, record: new Int32Array(n), chosen: new Int32Array(n), rejected: new Int32Array(n), sc: new Float64Array(n), sr: new Float64Array(n), recOffset: new Float64Array(n), recLength: new Int32Array(n), recLine: new Int32Array(n) };
    }
    const k = p.n++;
    p.record[k] = record;
    p.chosen[k] = chosen;
    p.rejected[k] = rejected;
    p.sc[k] = sc;
    p.sr[k] = sr;
    this.n++;
    if (p.n === PUSH_BLOCK) this.seal();
  }

  /** Closes the block being pushed (it becomes a block like a batch's). */
  private seal(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    this.n -= p.n;
    const cut = <T extends Int32Array | Float64Array>(x: T): T => x.slice(0, p.n) as T;
    const picks = p.chosen.subarray(0, p.n).some((x) => x !== -1) || p.rejected.subarray(0, p.n).some((x) => x !== -1);
    const none = new Int32Array(0);
    this.add({ ...p, record: cut(p.record), chosen: picks ? cut(p.chosen) : none, rejected: picks ? cut(p.rejected) : new Int32Array(0), sc: cut(p.sc), sr: cut(p.sr), recOffset: cut(p.recOffset), recLength: cut(p.recLength), recLine: cut(p.recLine) });
  }

  private add(b: Block): void {
    this.starts.push(this.n);
    this.n += b.n;
    const bytes = 44 * b.n;
    if (this.spool && !this.spilling && this.keptBytes + bytes > this.keepBytes) {
      // From now on every block goes to the spool, the ones kept so far first.
      this.spilling = true;
      for (let k = 0; k < this.blocks.length; k++) this.blocks[k] = this.spill(this.blocks[k] as Block);
      this.keptBytes = 0;
    }
    if (this.spilling) this.blocks.push(this.spill(b));
    else {
      this.blocks.push(b);
      this.keptBytes += bytes;
    }
  }

  private spill(b: Block): Spilled {
    const n = b.n;
    const picks = b.chosen.length > 0;
    const bytes = 24 * n + (picks ? 20 : 12) * n;
    // Gathered in one buffer the next block reuses (the spool copies what it is given).
    if (this.scratch.length < bytes) this.scratch = new Uint8Array(Math.max(bytes, 2 * this.scratch.length));
    const buf = this.scratch.subarray(0, bytes);
    let at = 0;
    for (const x of [b.sc, b.sr, b.recOffset, b.record, b.recLength, b.recLine, ...(picks ? [b.chosen, b.rejected] : [])]) {
      buf.set(new Uint8Array(x.buffer, x.byteOffset, x.byteLength), at);
      at += x.byteLength;
    }
    return { n, picks, at: this.spool!.append(buf), bytes };
  }

  /** Every pushed pair is in a block (call before reading). */
  finish(): void {
    this.seal();
  }

  /** The block holding pair i (read from the spool: a copy of its own). */
  block(i: number): Block {
    this.ready();
    if (!(i >= 0 && i < this.n)) throw new RangeError(`pairsmith: internal error: pair ${i} of ${this.n}`);
    // The last block starting at or before i.
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    return this.load(lo, false);
  }

  private ready(): void {
    if (this.pending) throw new Error('pairsmith: internal error: pair blocks read before finish()');
  }

  /**
   * Block k. A spilled one is read back: a copy of its own, or, `shared`, a view of the spool's read buffer when
   * it is aligned (valid until the spool's next read: no garbage per block when every block is read in turn).
   */
  private load(k: number, shared: boolean): Block {
    const x = this.blocks[k]!;
    if ('record' in x) return x;
    if (this.closed) throw new Error("pairsmith: a run's per-pair numbers (record, picks, scores) were spilled to a temp file, removed when the run returned: run without `spill` to read them");
    const s = x;
    const v = this.spool!.read(s.at, s.bytes);
    const own = !shared || v.byteOffset % 8 !== 0 ? v.slice() : v;
    const buf = own.buffer;
    const at = own.byteOffset;
    const n = s.n;
    const f = (c: number) => new Float64Array(buf, at + 8 * n * c, n);
    const g = (c: number) => (c < 3 || s.picks ? new Int32Array(buf, at + 24 * n + 4 * n * c, n) : new Int32Array(0));
    return { start: this.starts[k]!, n, sc: f(0), sr: f(1), recOffset: f(2), record: g(0), recLength: g(1), recLine: g(2), chosen: g(3), rejected: g(4) };
  }

  cursor(): PairCursor {
    return new PairCursor(this);
  }

  /**
   * Calls `f` with each block, in pair order (a spilled one read back when its turn comes, as a view of the spool's
   * read buffer, which the next read reuses: `f` must neither keep the block nor read the table, e.g. by a cursor).
   */
  forEach(f: (b: PairBlock) => void): void {
    this.ready();
    for (let k = 0; k < this.blocks.length; k++) f(this.load(k, true));
  }

  /** A whole column (made: with a spool, its blocks are read back). */
  column<K extends 'record' | 'chosen' | 'rejected' | 'sc' | 'sr'>(k: K): Block[K] {
    const out = k === 'sc' || k === 'sr' ? new Float64Array(this.n) : new Int32Array(this.n);
    this.forEach((b) => {
      const x = b[k];
      if (x.length === 0) out.fill(-1, b.start, b.start + b.n);
      else out.set(x, b.start);
    });
    return out as Block[K];
  }
}

/** A column of the pair blocks. */
export type PairField = Exclude<keyof Block, 'n' | 'start'>;

/** Reads pair blocks by pair index, keeping the last block read: pairs in order cost one block read per block. */
export class PairCursor {
  private b: Block | undefined;
  constructor(private readonly blocks: PairBlocks) {}
  private at(i: number): Block {
    const b = this.b;
    if (b && i >= b.start && i < b.start + b.n) return b;
    return (this.b = this.blocks.block(i));
  }
  /** Pair i's value of column `f` (a pick in a block without picks: -1). */
  get(f: PairField, i: number): number {
    const b = this.at(i);
    const x = b[f];
    return x.length > 0 ? x[i - b.start]! : -1;
  }
}

/** The columns a Table keeps in memory for every pair. */
const GROW_COLUMNS = ['ext'] as const;
/** The columns that take memory only when some pair's value is not the fill. */
const FILL_COLUMNS = ['imp', 'routeMargin'] as const;

/**
 * Per pair, pass 1's numbers (all batches', in input order): the margins the selection ranks in memory (implicit and
 * route margins only when some pair has one: log-probs, a run that routes), the rest in PairBlocks (given a spool,
 * in the spool). close() releases the spool; the `pairs` of a result made with one cannot be read after that.
 */
export class Table {
  ext = new GrowF64();
  imp = new FillColumn(() => new GrowF64(), Number.NaN);
  /** The routing margin: the score gap, or a pairs input's own numeric `margin` column (kept when a run routes). */
  routeMargin = new FillColumn(() => new GrowF64(), Number.NaN);
  readonly blocks: PairBlocks;

  constructor(
    private readonly spool?: Spool,
    keepBytes?: number,
  ) {
    this.blocks = new PairBlocks(spool, keepBytes);
  }

  get n(): number {
    return this.ext.n;
  }

  /**
   * Adds a batch's pairs. `expected` (the pairs the whole input is expected to hold, when its size is known) sizes
   * the columns once instead of doubling them: doubling leaves up to half of them unused and, at each step, holds
   * the old and the new columns together. An estimate that falls short grows them by half.
   */
  append(b: BatchNumbers, expected = 0): void {
    growAll(GROW_COLUMNS.map((k) => this[k]), this.n + b.n, expected);
    // Each column takes its own batch column (the same element type: the cast only joins the union's signatures).
    for (const k of GROW_COLUMNS) this[k].append(b[k] as never);
    for (const k of FILL_COLUMNS) this[k].append(b[k] as never, b.n, this.ext.a.length);
    this.blocks.append(b);
  }

  /** Adds one pair (a merge's, from a partial result's numbers). */
  push(record: number, chosen: number, rejected: number, sc: number, sr: number, ext: number, imp: number, routeMargin: number): void {
    this.ext.push(ext);
    this.imp.push(imp);
    this.routeMargin.push(routeMargin);
    this.blocks.push(record, chosen, rejected, sc, sr);
  }

  /** Every pair added: the blocks can be read. */
  finish(): void {
    this.blocks.finish();
  }

  cursor(): PairCursor {
    return this.blocks.cursor();
  }

  /** The numbers as arrays; all but the margins are made when first read (with a spool, from it: before close()). */
  numbers(): PairNumbers {
    const t = this;
    const lazy: Partial<Record<'record' | 'chosen' | 'rejected' | 'scoreChosen' | 'scoreRejected' | 'implicit', Int32Array | Float64Array>> = {};
    return {
      n: this.n,
      get record() {
        return (lazy.record ??= t.blocks.column('record')) as Int32Array;
      },
      get chosen() {
        return (lazy.chosen ??= t.blocks.column('chosen')) as Int32Array;
      },
      get rejected() {
        return (lazy.rejected ??= t.blocks.column('rejected')) as Int32Array;
      },
      get scoreChosen() {
        return (lazy.scoreChosen ??= t.blocks.column('sc')) as Float64Array;
      },
      get scoreRejected() {
        return (lazy.scoreRejected ??= t.blocks.column('sr')) as Float64Array;
      },
      external: this.ext.values(),
      get implicit() {
        return (lazy.implicit ??= t.imp.values()) as Float64Array;
      },
    };
  }

  /** Releases the spool (its temp file). */
  close(): void {
    this.blocks.closed = true;
    this.spool?.close();
  }
}
