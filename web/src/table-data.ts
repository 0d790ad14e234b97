// The pairs table of a run, filled in the worker from the rows it writes (JSON Lines blocks or Parquet row objects):
// a few numbers per row and the texts cut short, in columns; the page sorts, searches and draws it.
import { asText, promptString, responseString } from '../../src/io/text.js';
import { LABEL_COLUMNS, NUMBER_COLUMNS, TABLE_ROWS, TEXT_CHARS, TEXT_COLUMNS, type TableData } from './protocol.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** The start of a text, as a string of its own (a slice would keep the whole text alive). */
function cut(s: string): string {
  return s.length > TEXT_CHARS ? dec.decode(enc.encode(`${s.slice(0, TEXT_CHARS - 1)}…`)) : s;
}

export class TableBuilder {
  private n = 0;
  private more = 0;
  private readonly text = { prompt: [] as string[], chosen: [] as string[], rejected: [] as string[] };
  private readonly numbers = Object.fromEntries(NUMBER_COLUMNS.map((c) => [c, [] as number[]])) as Record<(typeof NUMBER_COLUMNS)[number], number[]>;
  private readonly labels = { route: [] as string[], goal_role: [] as string[] };
  private readonly present = new Set<string>();
  private carry = '';
  private readonly decoder = new TextDecoder();

  /** Row objects (Parquet sink). */
  readonly rows = (rows: readonly Record<string, unknown>[]): void => {
    for (const r of rows) this.row(r);
  };

  /** A block of JSON Lines (whole rows, but a row may span blocks). */
  readonly bytes = (b: Uint8Array): void => {
    const text = this.carry + this.decoder.decode(b, { stream: true });
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      if (nl > start) this.line(text.slice(start, nl));
      start = nl + 1;
    }
    this.carry = text.slice(start);
  };

  private line(l: string): void {
    if (this.n >= TABLE_ROWS) {
      this.more++;
      return;
    }
    this.row(JSON.parse(l) as Record<string, unknown>);
  }

  private row(r: Record<string, unknown>): void {
    if (this.n >= TABLE_ROWS) {
      this.more++;
      return;
    }
    this.n++;
    for (const c of TEXT_COLUMNS) {
      const t = asText(r[c]);
      this.text[c].push(t === undefined ? '' : cut(c === 'prompt' ? promptString(t) : responseString(t)));
    }
    for (const c of NUMBER_COLUMNS) {
      const v = r[c];
      const x = typeof v === 'number' ? v : Number.NaN;
      if (!Number.isNaN(x)) this.present.add(c);
      this.numbers[c].push(x);
    }
    for (const c of LABEL_COLUMNS) {
      const v = r[c];
      if (typeof v === 'string') this.present.add(c);
      this.labels[c].push(typeof v === 'string' ? v : '');
    }
  }

  /** The table (typed number columns, transferable). */
  data(): TableData {
    return {
      n: this.n,
      more: this.more,
      text: this.text,
      numbers: Object.fromEntries(NUMBER_COLUMNS.map((c) => [c, Float64Array.from(this.numbers[c])])) as TableData['numbers'],
      labels: this.labels,
      present: [...this.present],
    };
  }
}
