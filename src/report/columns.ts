// Typed columns for the collector's per-prompt and per-pair numbers: a few numbers per row in blocks of typed
// arrays (no per-row objects, no growing array copied into a larger one), columns allocated only when first
// written. Rows are read and written one at a time (Column.get/set) or a block at a time (Columns.scan). Given a
// spool, the table keeps about `keepBytes` of blocks in memory: older full blocks go to the spool and
// are read back when scanned or touched (one block per column at a time; a changed one is written again).
import type { Spool } from '../io/spool.js';
import { decodeColumn, encodeColumn, type ColumnsState } from './state.js';

/** A block of one column. */
export type Typed = Float64Array | Int32Array | Uint8Array;
type Make = (n: number) => Typed;

export const F64: Make = (n) => new Float64Array(n);
export const I32: Make = (n) => new Int32Array(n);
export const U8: Make = (n) => new Uint8Array(n);

/** Rows per block (a block of doubles is 64 KiB). */
const SHIFT = 13;
export const BLOCK_ROWS = 1 << SHIFT;
const MASK = BLOCK_ROWS - 1;
/** Stands for a block that is in the spool. */
const SPILLED = new Uint8Array(0);

/** Where a table's spilled blocks go: the spool (made on first use) and how many bytes of blocks stay in memory. */
export interface SpillTo {
  spool: () => Spool;
  keepBytes: number;
}

/** One column: blocks of BLOCK_ROWS values, each in memory or in the spool. */
export class Column {
  readonly blocks: Typed[] = [];
  /** Spool offset of each spilled block (-1: never spilled). */
  private readonly at: number[] = [];
  /** The spilled block read back (its index, -1 none), and whether it was changed since. */
  private loaded = -1;
  private dirty = false;
  private buf: Typed | undefined;
  /** Bytes of one block. */
  private readonly blockBytes: number;

  constructor(
    private readonly make: Make,
    private readonly fill: number,
    private readonly spool: (() => Spool) | undefined,
  ) {
    this.blockBytes = BLOCK_ROWS * make(0).BYTES_PER_ELEMENT;
  }

  get(i: number): number {
    const k = i >>> SHIFT;
    const b = this.blocks[k]!;
    return (b === SPILLED ? this.block(k) : b)[i & MASK]!;
  }

  set(i: number, v: number): void {
    const k = i >>> SHIFT;
    let b = this.blocks[k]!;
    if (b === SPILLED || k === this.loaded) {
      b = this.block(k);
      this.dirty = true;
    }
    b[i & MASK] = v;
  }

  /** Block k, read back from the spool when it is there (the block read back before goes back first). */
  block(k: number): Typed {
    const b = this.blocks[k]!;
    if (b !== SPILLED) return b;
    this.release();
    const bytes = this.spool!().read(this.at[k]!, this.blockBytes);
    this.buf ??= this.make(BLOCK_ROWS);
    new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength).set(bytes);
    this.blocks[k] = this.buf;
    this.loaded = k;
    this.dirty = false;
    return this.buf;
  }

  /** Puts the block read back (if any) back in the spool: written again when it changed. */
  private release(): void {
    const k = this.loaded;
    if (k < 0) return;
    if (this.dirty) this.at[k] = this.spool!().append(bytesOf(this.blocks[k]!));
    this.blocks[k] = SPILLED;
    this.loaded = -1;
    this.dirty = false;
  }

  /** Sends block k (in memory) to the spool; returns the bytes freed. */
  spill(k: number): number {
    const b = this.blocks[k]!;
    if (b === SPILLED || k === this.loaded) return 0;
    this.at[k] = this.spool!().append(bytesOf(b));
    this.blocks[k] = SPILLED;
    return b.byteLength;
  }

  /** Grows to `count` blocks holding the fill value; the first `spilled` of them go straight to the spool. */
  grow(count: number, spilled = 0): void {
    let fillBlock: Typed | undefined;
    while (this.blocks.length < count) {
      const b = fillBlock ?? this.make(BLOCK_ROWS);
      if (this.fill !== 0) b.fill(this.fill);
      if (this.blocks.length < spilled) {
        fillBlock = b;
        this.at.push(this.spool!().append(bytesOf(b)));
        this.blocks.push(SPILLED);
      } else {
        fillBlock = undefined;
        this.blocks.push(b);
        this.at.push(-1);
      }
    }
  }

  /** Bytes of the blocks in memory. */
  bytes(): number {
    let b = 0;
    for (const x of this.blocks) b += x.byteLength;
    return b + (this.buf && this.loaded < 0 ? this.buf.byteLength : 0);
  }
}

const bytesOf = (b: Typed): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** A table of typed columns with a shared row count; `spec` gives each column's type and fill value. */
export class Columns<Name extends string> {
  n = 0;
  private readonly cols = new Map<Name, Column>();
  private reserved = 0;
  /** Blocks before this one were spilled (those that could be). */
  private spilledTo = 0;

  constructor(
    private readonly spec: Record<Name, readonly [Make, number]>,
    private readonly spill?: SpillTo,
  ) {}

  private blocksFor(rows: number): number {
    return Math.ceil(rows / BLOCK_ROWS);
  }

  /** Makes room for `m` more rows in every existing column (and in those created later). */
  reserve(m: number): void {
    const need = this.blocksFor(this.n + m);
    for (const c of this.cols.values()) c.grow(need);
    this.reserved = Math.max(this.reserved, need);
  }

  /** The column for writing (created, filled with its fill value, on first use). */
  col(name: Name): Column {
    let c = this.cols.get(name);
    if (!c) {
      const [make, fill] = this.spec[name];
      c = new Column(make, fill, this.spill?.spool);
      // Blocks already spilled in the other columns go to the spool too (they hold only the fill value).
      c.grow(Math.max(this.reserved, this.blocksFor(this.n)), this.spilledTo);
      this.cols.set(name, c);
    }
    return c;
  }

  has(name: Name): boolean {
    return this.cols.has(name);
  }

  /** The column, or undefined when it was never written. */
  get(name: Name): Column | undefined {
    return this.cols.get(name);
  }

  /** With a spool: while the blocks in memory hold more than keepBytes, sends the oldest full blocks to it. */
  trim(): void {
    if (!this.spill) return;
    let bytes = this.bytes();
    const full = Math.floor(this.n / BLOCK_ROWS);
    while (bytes > this.spill.keepBytes && this.spilledTo < full) {
      for (const c of this.cols.values()) bytes -= c.spill(this.spilledTo);
      this.spilledTo++;
    }
  }

  /** A column's first n rows as one typed array (a copy), or undefined when it was never written. */
  view(name: Name): Typed | undefined {
    const c = this.cols.get(name);
    if (!c) return undefined;
    const out = this.spec[name][0](this.n);
    this.scan([name], ([b], start, len) => out.set(b!.subarray(0, len) as never, start));
    return out;
  }

  /**
   * Calls `each` for every block of rows in order with the named columns' blocks (undefined for a column never
   * written; a spilled block is read back, valid during the call): rows start .. start + len - 1 are entries
   * 0 .. len - 1 of each.
   */
  scan(names: readonly Name[], each: (blocks: (Typed | undefined)[], start: number, len: number) => void): void {
    const cols = names.map((name) => this.cols.get(name));
    for (let k = 0, start = 0; start < this.n; k++, start += BLOCK_ROWS) {
      each(
        cols.map((c) => c?.block(k)),
        start,
        Math.min(BLOCK_ROWS, this.n - start),
      );
    }
  }

  /** The rows and the columns written, as data (a merge appends them to another table). */
  state(): ColumnsState {
    const columns: ColumnsState['columns'] = {};
    for (const name of this.cols.keys()) columns[name] = encodeColumn(this.view(name)!);
    return { n: this.n, columns };
  }

  /**
   * Appends the rows of a state (a table of the same spec): its columns after this table's rows; a column written
   * on one side only holds its fill value on the other, as if one table had taken all the rows.
   */
  append(s: ColumnsState): void {
    if (!Number.isInteger(s.n) || s.n < 0) throw new RangeError(`pairsmith: a report state table has ${s.n} rows`);
    const add: [Name, Typed][] = [];
    for (const [name, data] of Object.entries(s.columns)) {
      if (!Object.prototype.hasOwnProperty.call(this.spec, name)) throw new RangeError(`pairsmith: unknown report state column ${JSON.stringify(name)}`);
      const a = decodeColumn(data, s.n);
      if (a.constructor !== this.spec[name as Name][0](0).constructor) throw new RangeError(`pairsmith: report state column ${name} has type ${data.type}`);
      add.push([name as Name, a]);
    }
    this.reserve(s.n);
    for (const [name, a] of add) {
      const c = this.col(name);
      for (let i = 0; i < s.n; i++) c.set(this.n + i, a[i]!);
    }
    this.n += s.n;
  }

  /** Bytes of the blocks held in memory. */
  bytes(): number {
    let b = 0;
    for (const c of this.cols.values()) b += c.bytes();
    return b;
  }
}
