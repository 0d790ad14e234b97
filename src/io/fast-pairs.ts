// The fast path of `pairs`: JSONL candidate records -> preference pairs without decoding whole records. Each
// line is scanned for the prompt, responses, scores (and log-prob) fields only; scores go straight into a
// numeric column, the per-prompt work runs on the engine, and the prompt/chosen/rejected JSON text is copied
// through byte for byte. A record the scanner cannot take as-is goes to the slow path (full parse and
// validation), which either returns it as a parsed record or rejects it. Platform neutral.
import type { GroupEngine } from '../pipeline/group-engine.js';
import { emptyReport, mergeReport, pairsForChunk, type CandidateChunk, type PairRows, type PairsOptions } from '../pipeline/pairs.js';
import type { ConstructReport } from '../pipeline/construct.js';
import { ByteSink } from './bytes.js';
import { LogpColumns, type LogpKind } from './fast-logps.js';
import { GrowF64, GrowI32 } from './grow.js';
import { FieldScanner, forEachLine, NUM_FINITE, NUM_NULL, parseNumberArray, SCAN_OK, SCAN_TOO_MANY, validValue } from './scan.js';

export interface FastFields {
  prompt: string;
  responses: string;
  scores: string;
  policyLogps?: string;
  referenceLogps?: string;
}

/** A record as the slow path returns it (already validated). */
export interface ParsedCandidates {
  prompt: unknown;
  responses: unknown[];
  scores: (number | null)[];
  policyLogps?: (number | number[] | null)[];
  referenceLogps?: (number | number[] | null)[];
}

export type SlowOutcome = { kind: 'blank' } | { kind: 'reject' } | { kind: 'record'; record: ParsedCandidates };

export interface FastPairsHooks {
  /** Full parse and validation of one line (1-based physical line, 0-based record number); records its own rejects. */
  slow(line: Uint8Array, lineNo: number, record: number): SlowOutcome;
  /** The outcome of each record that reached pair construction: its pair count, or why it has none. */
  outcome?(pairs: number, noPair: string | null): void;
  /** A record read by the scanner alone, with its candidate count (for the accounting of reads). */
  fastRecord?(candidates: number): void;
  /** Candidates excluded from a record that goes on (reasons as the datasets layer names them). */
  excluded(reason: 'score_null' | 'score_nan' | 'score_infinite' | 'score_out_of_range', n: number): void;
}

export interface FastPairsOptions {
  fields: FastFields;
  pairs: PairsOptions;
  beta?: number;
  reduce?: 'sum' | 'mean';
  /** Read every record through the slow path (for comparisons; the output must be the same). */
  slowOnly?: boolean;
  /**
   * Allocates byte arrays of the same class as the input chunks (default `new Uint8Array(n)`). Node passes
   * `Buffer.allocUnsafe` with Buffer chunks: Buffer's indexOf is a native memchr, several times faster than
   * the generic typed-array one, and one array class keeps the scanning functions monomorphic.
   */
  alloc?: (n: number) => Uint8Array;
}

export interface FastPairsCounts {
  /** Records read (lines that are not blank). */
  records: number;
  /** Of which read by the scanner alone. */
  fastRecords: number;
  /** Records handed to the slow path. */
  slowRecords: number;
  lines: number;
}

// Where a group's text lives: spans into the current chunk, or strings from the slow path.
interface SlowText {
  prompt: string;
  responses: string[];
}

const MAX_CANDIDATES = 1 << 16;

/** Streams JSONL candidate records to pair rows (JSONL bytes). Feed chunks with push(), then end(). */
export class FastPairs {
  readonly counts: FastPairsCounts = { records: 0, fastRecords: 0, slowRecords: 0, lines: 0 };
  readonly report: ConstructReport = emptyReport();
  private readonly scanner: FieldScanner;
  private readonly spans: Int32Array;
  private elems = new Int32Array(2 * 64);
  private readonly count = new Int32Array(1);
  private tmpScores = new Float64Array(64);
  private tmpKinds = new Uint8Array(64);
  private tmpSpans = new Int32Array(128);
  private carry: Uint8Array = new Uint8Array(0);
  private readonly sink = new ByteSink(1 << 20);
  private readonly hasLogps: boolean;
  private lineNo = 0;
  private recordIndex = 0;
  private readonly alloc: (n: number) => Uint8Array;

  // Per chunk state (reset after each flush).
  private buf: Uint8Array = new Uint8Array(0);
  private scores = new GrowF64();
  private candIndex = new GrowI32();
  /** Byte span of each usable candidate's score text (fast groups; -1 for slow ones). */
  private scoreSpan = new GrowI32();
  private offsets = new GrowI32();
  private promptIndex = new GrowI32();
  private lineOf = new GrowI32();
  private lineStart = new GrowI32();
  private lineEnd = new GrowI32();
  private promptSpan = new GrowI32();
  private respSpan = new GrowI32();
  private respBase = new GrowI32();
  private withLogps = new GrowI32();
  // Per fast group: candidates and exclusions, reported at flush time (a group whose copied text turns out
  // invalid is handed to the slow path instead, and must not have been counted).
  private gCands = new GrowI32();
  private gNull = new GrowI32();
  private gNan = new GrowI32();
  private gInf = new GrowI32();
  private slowText = new Map<number, SlowText>();
  private readonly logps = new LogpColumns();

  constructor(
    private readonly engine: GroupEngine,
    private readonly opts: FastPairsOptions,
    private readonly hooks: FastPairsHooks,
  ) {
    const f = opts.fields;
    const names = [f.prompt, f.responses, f.scores];
    this.alloc = opts.alloc ?? ((n) => new Uint8Array(n));
    this.carry = this.alloc(0);
    this.hasLogps = f.policyLogps !== undefined && f.referenceLogps !== undefined;
    if (this.hasLogps) names.push(f.policyLogps!, f.referenceLogps!);
    this.scanner = new FieldScanner(names);
    this.spans = new Int32Array(names.length * 2);
    this.resetChunk();
  }

  private resetChunk(): void {
    for (const g of [this.candIndex, this.scoreSpan, this.promptIndex, this.lineOf, this.lineStart, this.lineEnd, this.promptSpan, this.respSpan, this.respBase, this.withLogps, this.gCands, this.gNull, this.gNan, this.gInf]) g.n = 0;
    this.scores.n = 0;
    this.offsets.n = 0;
    this.offsets.push(0);
    this.logps.reset();
    this.slowText.clear();
  }

  /**
   * Processes the complete lines of `chunk` (plus any carried partial line) and returns the output bytes: a view
   * valid until the next push() or end() (write it out before calling again). `chunk` is not kept.
   */
  push(chunk: Uint8Array): Uint8Array {
    let from = 0;
    if (this.carry.length > 0) {
      // Complete the carried line on its own (copying only that line), then scan the chunk in place.
      const nl = chunk.indexOf(0x0a);
      if (nl < 0) {
        const c = this.alloc(this.carry.length + chunk.length);
        c.set(this.carry);
        c.set(chunk, this.carry.length);
        this.carry = c;
        return this.sink.take();
      }
      const line = this.alloc(this.carry.length + nl + 1);
      line.set(this.carry);
      line.set(chunk.subarray(0, nl + 1), this.carry.length);
      this.carry = this.alloc(0);
      this.buf = line;
      forEachLine(line, 0, (s, e) => this.line(s, e));
      this.flushInto();
      from = nl + 1;
    }
    this.buf = chunk;
    const rest = forEachLine(chunk, from, (s, e) => this.line(s, e));
    this.carry = this.alloc(chunk.length - rest);
    this.carry.set(chunk.subarray(rest));
    this.flushInto();
    return this.sink.take();
  }

  /** Processes a final line without a newline; returns the remaining output bytes. */
  end(): Uint8Array {
    if (this.carry.length > 0) {
      this.buf = this.carry;
      let e = this.carry.length;
      if (this.carry[e - 1] === 0x0d) e--;
      this.line(0, e);
      this.carry = this.alloc(0);
    }
    this.flushInto();
    return this.sink.take();
  }

  private line(s: number, e: number): void {
    const lineNo = ++this.lineNo;
    this.counts.lines++;
    const buf = this.buf;
    let blank = true;
    for (let i = s; i < e; i++) {
      const b = buf[i]!;
      if (b !== 0x20 && b !== 0x09 && b !== 0x0d) {
        blank = false;
        break;
      }
    }
    if (blank) return;
    this.counts.records++;
    const record = this.recordIndex++;
    if (this.opts.slowOnly || !this.fast(s, e, lineNo, record)) this.slow(s, e, lineNo, record);
  }

  private ensureTmp(n: number): void {
    if (n <= this.tmpScores.length) return;
    const c = Math.max(n, this.tmpScores.length * 2);
    this.tmpScores = new Float64Array(c);
    this.tmpKinds = new Uint8Array(c);
    this.tmpSpans = new Int32Array(2 * c);
    this.elems = new Int32Array(2 * c);
  }

  /** The scanner-only path; false sends the record to the slow path (nothing has been recorded then). */
  private fast(s: number, e: number, lineNo: number, record: number): boolean {
    const buf = this.buf;
    const sp = this.spans;
    let st = this.scanner.scan(buf, s, e, sp, 1, this.elems, this.count);
    while (st === SCAN_TOO_MANY && this.elems.length < 2 * MAX_CANDIDATES) {
      this.ensureTmp(this.tmpScores.length * 2);
      st = this.scanner.scan(buf, s, e, sp, 1, this.elems, this.count);
    }
    if (st !== SCAN_OK) return false;
    const ps = sp[0]!;
    const rs = sp[2]!;
    const ss = sp[4]!;
    if (ps < 0 || rs < 0 || ss < 0) return false;
    const pb = buf[ps];
    if ((pb !== 0x22 && pb !== 0x5b) || !validValue(buf, ps, sp[1]!)) return false;
    const nr = this.count[0]!;
    if (nr < 0) return false;
    this.ensureTmp(nr + 1);
    const ns = parseNumberArray(buf, ss, sp[5]!, this.tmpScores, this.tmpKinds, 0, this.tmpSpans);
    if (ns !== nr) return false;
    let usable = 0;
    for (let i = 0; i < ns; i++) if (this.tmpKinds[i] === NUM_FINITE) usable++;
    if (usable < 2) return false;
    // Response elements must be strings or message lists to be copied through.
    for (let i = 0; i < nr; i++) {
      const b = buf[this.elems[2 * i]!];
      if (b !== 0x22 && b !== 0x5b) return false;
    }
    // Log-probs: both fields, arrays aligned with responses, of numbers (sums) or arrays of numbers (tokens).
    let logps: LogpKind = 'none';
    if (this.hasLogps && sp[6]! >= 0 && sp[8]! >= 0) {
      const kind = this.logps.parse(buf, sp, nr);
      if (kind === null) return false;
      logps = kind;
    } else if (this.hasLogps && (sp[6]! >= 0) !== (sp[8]! >= 0)) {
      return false;
    }
    // Committed: record the group.
    this.counts.fastRecords++;
    let nulls = 0;
    let nans = 0;
    let infs = 0;
    this.promptIndex.push(record);
    this.lineOf.push(lineNo);
    this.lineStart.push(s);
    this.lineEnd.push(e);
    this.promptSpan.push(ps);
    this.promptSpan.push(sp[1]!);
    this.respBase.push(this.respSpan.n);
    this.withLogps.push(logps === 'none' ? 0 : 1);
    for (let i = 0; i < nr; i++) {
      this.respSpan.push(this.elems[2 * i]!);
      this.respSpan.push(this.elems[2 * i + 1]!);
    }
    if (logps !== 'none') this.logps.fill(this.scores.n);
    for (let i = 0; i < nr; i++) {
      const k = this.tmpKinds[i];
      if (k !== NUM_FINITE) {
        if (k === NUM_NULL) nulls++;
        else if (Number.isNaN(this.tmpScores[i]!)) nans++;
        else infs++;
        continue;
      }
      this.scores.push(this.tmpScores[i]!);
      this.candIndex.push(i);
      this.scoreSpan.push(this.tmpSpans[2 * i]!);
      this.scoreSpan.push(this.tmpSpans[2 * i + 1]!);
      if (logps !== 'none') this.logps.push(logps, i);
    }
    this.offsets.push(this.scores.n);
    this.gCands.push(nr);
    this.gNull.push(nulls);
    this.gNan.push(nans);
    this.gInf.push(infs);
    return true;
  }

  private slow(s: number, e: number, lineNo: number, record: number): void {
    this.counts.slowRecords++;
    const out = this.hooks.slow(this.buf.subarray(s, e), lineNo, record);
    if (out.kind !== 'record') return;
    const r = out.record;
    this.promptIndex.push(record);
    this.lineOf.push(lineNo);
    this.lineStart.push(s);
    this.lineEnd.push(e);
    this.promptSpan.push(-1);
    this.promptSpan.push(-1);
    this.respBase.push(-1);
    const withLp = this.hasLogps && r.policyLogps !== undefined && r.referenceLogps !== undefined;
    this.withLogps.push(withLp ? 1 : 0);
    for (const g of [this.gCands, this.gNull, this.gNan, this.gInf]) g.push(0);
    this.slowText.set(this.promptIndex.n - 1, { prompt: JSON.stringify(r.prompt), responses: r.responses.map((x) => JSON.stringify(x)) });
    if (withLp) this.logps.fill(this.scores.n);
    for (let i = 0; i < r.scores.length; i++) {
      const v = r.scores[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      this.scores.push(v);
      this.candIndex.push(i);
      this.scoreSpan.push(-1);
      this.scoreSpan.push(-1);
      if (withLp) this.logps.pushValues(r.policyLogps![i], r.referenceLogps![i]);
    }
    this.offsets.push(this.scores.n);
  }

  /** Runs the pipeline on the groups gathered from the current buffer and writes their rows to the sink. */
  private flushInto(): void {
    const groups = this.promptIndex.n;
    if (groups === 0) {
      this.resetChunk();
      return;
    }
    let rewards: Float64Array | undefined;
    // Only chunks with at least one group with log-probs have implicit rewards (the others write no implicit_margin).
    if (this.logps.count > 0) {
      const nc = this.scores.n;
      rewards = this.logps.rewards(this.engine, nc, this.opts.beta ?? 1, this.opts.reduce ?? 'sum');
    }
    const chunk: CandidateChunk = {
      promptIndex: this.promptIndex.a.slice(0, groups),
      offsets: this.offsets.a.slice(0, groups + 1),
      scores: this.scores.a.slice(0, this.scores.n),
      candidateIndex: this.candIndex.a.slice(0, this.candIndex.n),
      rewards,
    };
    const res = pairsForChunk(this.engine, chunk, this.opts.pairs);
    if (res.outOfRange > 0) this.hooks.excluded('score_out_of_range', res.outOfRange);
    // The chosen and rejected text of fast groups is copied as is: check it is valid JSON string content. A
    // group whose copied text is not goes to the slow path (which rejects it as malformed, as JSON.parse would).
    const bad = new Uint8Array(groups);
    const rows = res.rows;
    for (let i = 0; i < rows.n; i++) {
      const g = rows.group[i]!;
      if (bad[g] || this.respBase.a[g]! < 0) continue;
      const cb = this.respBase.a[g]! + 2 * rows.chosenIndex[i]!;
      const rb = this.respBase.a[g]! + 2 * rows.rejectedIndex[i]!;
      if (!validValue(this.buf, this.respSpan.a[cb]!, this.respSpan.a[cb + 1]!) || !validValue(this.buf, this.respSpan.a[rb]!, this.respSpan.a[rb + 1]!)) bad[g] = 1;
    }
    for (let g = 0; g < groups; g++) {
      if (bad[g]) {
        const k = res.groupPairs[g]!;
        res.report.pairs -= k;
        res.report.promptsWithPair--;
        res.report.prompts--;
        this.counts.fastRecords--;
        this.counts.slowRecords++;
        const out = this.hooks.slow(this.buf.subarray(this.lineStart.a[g]!, this.lineEnd.a[g]!), this.lineOf.a[g]!, this.promptIndex.a[g]!);
        if (out.kind === 'record') this.hooks.outcome?.(0, 'invalid_text');
        continue;
      }
      if (this.respBase.a[g]! >= 0) {
        this.hooks.fastRecord?.(this.gCands.a[g]!);
        if (this.gNull.a[g]) this.hooks.excluded('score_null', this.gNull.a[g]!);
        if (this.gNan.a[g]) this.hooks.excluded('score_nan', this.gNan.a[g]!);
        if (this.gInf.a[g]) this.hooks.excluded('score_infinite', this.gInf.a[g]!);
      }
      this.hooks.outcome?.(res.groupPairs[g]!, res.noPair[g] ?? null);
    }
    this.bad = bad;
    mergeReport(this.report, res.report);
    this.write(res.rows, res.outOfRange === 0);
    this.resetChunk();
  }

  private bad: Uint8Array = new Uint8Array(0);

  private write(rows: PairRows, rawScores: boolean): void {
    const sink = this.sink;
    const buf = this.buf;
    const strategy = `,"strategy":"${rows.strategy}"`;
    for (let i = 0; i < rows.n; i++) {
      const g = rows.group[i]!;
      if (this.bad[g]) continue;
      const slow = this.slowText.get(g);
      sink.ascii('{"prompt":');
      if (slow) sink.text(slow.prompt);
      else sink.bytes(buf, this.promptSpan.a[2 * g]!, this.promptSpan.a[2 * g + 1]!);
      sink.ascii(',"chosen":');
      if (slow) sink.text(slow.responses[rows.chosenIndex[i]!]!);
      else {
        const base = this.respBase.a[g]! + 2 * rows.chosenIndex[i]!;
        sink.bytes(buf, this.respSpan.a[base]!, this.respSpan.a[base + 1]!);
      }
      sink.ascii(',"rejected":');
      if (slow) sink.text(slow.responses[rows.rejectedIndex[i]!]!);
      else {
        const base = this.respBase.a[g]! + 2 * rows.rejectedIndex[i]!;
        sink.bytes(buf, this.respSpan.a[base]!, this.respSpan.a[base + 1]!);
      }
      // Scores: the input's own number text when it is at hand (fast groups, no candidate dropped by the
      // transform), else the shortest round-trip form; the same value either way.
      const c = rawScores && !slow ? this.offsets.a[g]! + rows.chosenSlot[i]! : -1;
      if (c >= 0) {
        const r = this.offsets.a[g]! + rows.rejectedSlot[i]!;
        sink.ascii(',"score_chosen":');
        sink.bytes(buf, this.scoreSpan.a[2 * c]!, this.scoreSpan.a[2 * c + 1]!);
        sink.ascii(',"score_rejected":');
        sink.bytes(buf, this.scoreSpan.a[2 * r]!, this.scoreSpan.a[2 * r + 1]!);
      } else {
        sink.ascii(',"score_chosen":');
        sink.number(rows.scoreChosen[i]!);
        sink.ascii(',"score_rejected":');
        sink.number(rows.scoreRejected[i]!);
      }
      sink.ascii(',"margin":');
      sink.number(rows.margin[i]!);
      sink.ascii(',"prompt_index":');
      sink.int(rows.promptIndex[i]!);
      sink.ascii(',"chosen_index":');
      sink.int(rows.chosenIndex[i]!);
      sink.ascii(',"rejected_index":');
      sink.int(rows.rejectedIndex[i]!);
      sink.ascii(strategy);
      const cp = rows.chosenPosition[i];
      const rp = rows.rejectedPosition[i];
      if (cp) {
        sink.ascii(',"chosen_position":"');
        sink.ascii(cp);
        sink.ascii('"');
      }
      if (rp) {
        sink.ascii(',"rejected_position":"');
        sink.ascii(rp);
        sink.ascii('"');
      }
      if (rows.implicitMargin && this.withLogps.a[g]) {
        sink.ascii(',"implicit_margin":');
        sink.number(rows.implicitMargin[i]!);
      }
      sink.ascii('}\n');
    }
  }
}
