// Growable typed columns for the collector's per-prompt and per-pair numbers: a few numbers per row in typed
// arrays (no per-row objects), columns allocated only when first written.
import { decodeColumn, encodeColumn, type ColumnsState } from './state.js';

type Typed = Float64Array | Int32Array | Uint8Array;
type Make = (n: number) => Typed;

export const F64: Make = (n) => new Float64Array(n);
export const I32: Make = (n) => new Int32Array(n);
export const U8: Make = (n) => new Uint8Array(n);

/** A table of typed columns with a shared row count; `spec` gives each column's type and fill value. */
export class Columns<Name extends string> {
  n = 0;
  private cap = 0;
  private readonly cols = new Map<Name, Typed>();

  constructor(private readonly spec: Record<Name, readonly [Make, number]>) {}

  /** Makes room for `m` more rows in every existing column. */
  reserve(m: number): void {
    const need = this.n + m;
    if (need <= this.cap) return;
    const cap = Math.max(need, Math.ceil(this.cap * 1.5), 64);
    for (const [name, col] of this.cols) this.cols.set(name, this.grown(name, col, cap));
    this.cap = cap;
  }

  private grown(name: Name, col: Typed | undefined, cap: number): Typed {
    const [make, fill] = this.spec[name];
    const d = make(cap);
    if (col) d.set(col as never);
    if (fill !== 0) d.fill(fill, col ? col.length : 0);
    return d;
  }

  /** The column for writing (created, filled with its fill value, on first use). */
  col(name: Name): Typed {
    let c = this.cols.get(name);
    if (!c) {
      c = this.grown(name, undefined, Math.max(this.cap, 64));
      this.cap = Math.max(this.cap, c.length);
      this.cols.set(name, c);
    }
    return c;
  }

  has(name: Name): boolean {
    return this.cols.has(name);
  }

  /** The first n rows of a column, or undefined when it was never written. */
  view(name: Name): Typed | undefined {
    return this.cols.get(name)?.subarray(0, this.n);
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
    for (const [name, a] of add) this.col(name).set(a as never, this.n);
    this.n += s.n;
  }

  /** Bytes held by the columns (capacity, not rows). */
  bytes(): number {
    let b = 0;
    for (const c of this.cols.values()) b += c.byteLength;
    return b;
  }
}
