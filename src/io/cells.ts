// Cells: the values a batch hands to the row writer without decoding them. A cell is a span of valid JSON in the
// batch's bytes (copied as is), a span to re-encode (its record holds NaN / Infinity literals or invalid UTF-8), or
// a decoded JS value (message lists, dot-path fields, converted text). Each cell also knows its text form (a string
// or a message list) so the writer can give every row of a file the same form. Platform neutral.

export const CELL_SPAN = 0;
export const CELL_SANITIZE = 1;
export const CELL_VALUE = 2;

/** Text forms. */
export const FORM_STRING = 0;
export const FORM_MESSAGES = 1;
/** Not text (numbers, ids, ...). */
export const FORM_OTHER = 2;

export class Cells {
  n = 0;
  kind: Uint8Array = new Uint8Array(1024);
  form: Uint8Array = new Uint8Array(1024);
  s: Int32Array = new Int32Array(1024);
  e: Int32Array = new Int32Array(1024);
  values: unknown[] = [];

  reset(): void {
    this.n = 0;
    this.values.length = 0;
  }

  private next(): number {
    const c = this.n++;
    if (c >= this.kind.length) {
      const cap = this.kind.length * 2;
      const k = new Uint8Array(cap);
      k.set(this.kind);
      this.kind = k;
      const f = new Uint8Array(cap);
      f.set(this.form);
      this.form = f;
      const s = new Int32Array(cap);
      s.set(this.s);
      this.s = s;
      const e = new Int32Array(cap);
      e.set(this.e);
      this.e = e;
    }
    return c;
  }

  /** A span of the batch's bytes; `sanitize` when its record needs re-encoding. */
  span(s: number, e: number, form: number, sanitize: boolean): number {
    const c = this.next();
    this.kind[c] = sanitize ? CELL_SANITIZE : CELL_SPAN;
    this.form[c] = form;
    this.s[c] = s;
    this.e[c] = e;
    return c;
  }

  /** A decoded value. */
  value(v: unknown, form: number): number {
    const c = this.next();
    this.kind[c] = CELL_VALUE;
    this.form[c] = form;
    this.s[c] = this.values.length;
    this.e[c] = -1;
    this.values.push(v);
    return c;
  }
}
