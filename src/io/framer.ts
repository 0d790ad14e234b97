// Framing: a stream of bytes (any chunking) -> batches of whole records in one buffer, with each record's span,
// 1-based physical line and 0-based record number. JSON Lines (one record per non-blank line; CRLF and a leading
// UTF-8 BOM accepted) or the elements of one top-level JSON array. Linear time whatever the record length: bytes
// are searched once (newlines with a native memchr when the runtime offers one), an unfinished record is never
// re-joined or re-scanned, and the buffer grows geometrically. A record longer than `maxRecordBytes` is not
// buffered: its bytes are skipped up to its end and it is reported as too large with its first KiB. The buffer
// can live in engine memory (an `alloc` of the engine), so the indexer reads records in place. Platform neutral.

/** Bytes the framer may keep: an engine resident buffer or a plain array (its `view()` may change after growth). */
export interface ByteStore {
  readonly length: number;
  view(): Uint8Array;
  free(): void;
}

export type ByteAlloc = (n: number) => ByteStore;

/** A plain-memory ByteStore. */
export const plainAlloc: ByteAlloc = (n) => {
  const a = new Uint8Array(n);
  return { length: n, view: () => a, free() {} };
};

/** How the input is split into records. `sniff`: a JSON array when it starts with '[' and is not JSON Lines. */
export type FramingMode = 'jsonl' | 'array' | 'sniff';

export interface FramerOptions {
  alloc?: ByteAlloc;
  mode?: FramingMode;
  /** Records above this size are rejected as too large, never buffered (default 256 MiB). */
  maxRecordBytes?: number;
  /** A fast byte search (Node: Buffer's memchr); default Uint8Array.prototype.indexOf. */
  indexOf?: (buf: Uint8Array, byte: number, from: number) => number;
  /** Complete records are handed out once this many bytes of them are buffered (default 1 MiB), or at the end. */
  batchBytes?: number;
  /** ... or once this many records are (default: no limit). Tests use 1 and 7 to cut batches everywhere. */
  batchRecords?: number;
  /**
   * Where the bytes pushed start in the whole input (a shard starts at a line start after the first line): their
   * input offset, and the lines and records before them. A UTF-8 BOM is skipped only at input offset 0.
   */
  origin?: Origin;
}

/** A position at a line start of an input: its byte offset, and the lines and records before it. */
export interface Origin {
  offset: number;
  line: number;
  record: number;
}

/** Whether a line's bytes [s, e) hold a record: anything but spaces, tabs and carriage returns (else it is blank). */
export function hasContent(v: Uint8Array, s: number, e: number): boolean {
  for (let k = s; k < e; k++) {
    const b = v[k]!;
    if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return true;
  }
  return false;
}

/**
 * Counts the lines and records of JSON Lines bytes pushed chunk by chunk, by the framer's rules (a blank line is no
 * record; a BOM at the start is skipped): where a shard of a file starts, cheaply (no records are kept).
 */
export class LineCounter {
  lines = 0;
  records = 0;
  private content = false;
  private first = true;

  constructor(private readonly indexOf: (buf: Uint8Array, byte: number, from: number) => number = defaultIndexOf) {}

  push(v: Uint8Array): void {
    let i = 0;
    if (this.first && v.length > 0) {
      this.first = false;
      if (v.length >= 3 && v[0] === 0xef && v[1] === 0xbb && v[2] === 0xbf) i = 3;
    }
    for (;;) {
      const nl = this.indexOf(v, LF, i);
      const end = nl < 0 ? v.length : nl;
      if (!this.content) this.content = hasContent(v, i, end);
      if (nl < 0) return;
      this.lines++;
      if (this.content) this.records++;
      this.content = false;
      i = nl + 1;
    }
  }
}

/** A record that was too large to buffer. */
export interface LargeRecord {
  line: number;
  index: number;
  /** Its size in bytes (without the line end). */
  bytes: number;
  /** Its first KiB, decoded (a UTF-8 sequence cut at the end reads as U+FFFD). */
  head: string;
}

/** Whole records in `store.view()[0, end)`: valid until the next push(), end() or take() call. */
export interface Batch {
  store: ByteStore;
  /** Input offset (in the bytes pushed, from the origin's) of each record's first byte. */
  offset: Float64Array;
  n: number;
  start: Int32Array;
  end: Int32Array;
  line: Int32Array;
  index: Int32Array;
  /** Records over the size limit met since the last batch (not among the n; they keep their record numbers). */
  large: LargeRecord[];
  /** Input bytes (as pushed) consumed since the last batch, for progress. */
  bytes: number;
}

/** Errors in the framing itself (not in a record): e.g. text after a JSON array. */
export class FramingError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'FramingError';
  }
}

export const DEFAULT_MAX_RECORD_BYTES = 256 * 1024 * 1024;
const HEAD_BYTES = 1024;
const LF = 0x0a;

const defaultIndexOf = (buf: Uint8Array, byte: number, from: number): number => buf.indexOf(byte, from);
const headDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

class I32s {
  a = new Int32Array(256);
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

/** Input offsets (beyond 2^31 for large files). */
class F64s {
  a = new Float64Array(256);
  n = 0;
  push(x: number): void {
    if (this.n === this.a.length) {
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = x;
  }
}

const isWs = (c: number): boolean => c === 0x20 || c === LF || c === 0x0d || c === 0x09;

/** The end of bytes [s, e) without trailing JSON whitespace. */
function trimEnd(v: Uint8Array, s: number, e: number): number {
  while (e > s && isWs(v[e - 1]!)) e--;
  return e;
}

/**
 * A too-large record being skipped: its size and its first KiB, gathered across chunks. Trailing bytes that are not
 * part of the record (a JSON Lines record's final CR; an array element's trailing whitespace) are not counted, in
 * the size or in the head.
 */
class Skip {
  private bytes = 0;
  private readonly head = new Uint8Array(HEAD_BYTES);
  private headLen = 0;
  /** Trailing bytes seen last that may not belong to the record. */
  private trail = 0;

  constructor(
    readonly line: number,
    first: Uint8Array,
    private readonly element: boolean,
  ) {
    this.add(first);
  }

  add(b: Uint8Array): void {
    const n = Math.min(b.length, HEAD_BYTES - this.headLen);
    if (n > 0) {
      this.head.set(b.subarray(0, n), this.headLen);
      this.headLen += n;
    }
    this.bytes += b.length;
    for (let i = 0; i < b.length; i++) {
      const c = b[i]!;
      if (this.element ? isWs(c) : c === 0x0d) this.trail++;
      else this.trail = 0;
    }
  }

  finish(index: number): LargeRecord {
    const bytes = this.bytes - (this.element ? this.trail : Math.min(this.trail, 1));
    return { line: this.line, index, bytes, head: headDecoder.decode(this.head.subarray(0, Math.min(this.headLen, bytes))) };
  }
}

export class Framer {
  private store: ByteStore;
  private readonly alloc: ByteAlloc;
  private readonly maxRecord: number;
  private readonly batchBytes: number;
  private readonly batchRecords: number;
  private readonly indexOf: (buf: Uint8Array, byte: number, from: number) => number;
  private mode: FramingMode;
  /** Bytes held: [0, fill). Records before `pos` are already handed out. */
  private fill = 0;
  private pos = 0;
  /** Input offset of store[fill]: every byte pushed so far, stored or skipped (store[0] is at abs - fill). */
  private abs = 0;
  /** Where the newline search of the unfinished line resumes. */
  private scanFrom = 0;
  private lineNo = 0;
  private recordNo = 0;
  /** Skip a UTF-8 BOM at the start (only the input's own start has one). */
  private bom = true;
  private started = false;
  private ended = false;
  private bytesIn = 0;
  // Records found and not yet handed out.
  private readonly starts = new I32s();
  private readonly ends = new I32s();
  private readonly recLines = new I32s();
  private readonly indexes = new I32s();
  /** Input offset of each record's first byte (taken when it is found: bytes skipped later do not shift it). */
  private readonly offsets = new F64s();
  private large: LargeRecord[] = [];
  // Skipping a too-large record: its start line, size so far and first KiB.
  private skip: Skip | null = null;
  // JSON array state (mode 'array').
  private arr = { state: 0, depth: 0, inString: false, escape: false, elemStart: -1, elemLine: 0, trailing: -1 };

  constructor(o: FramerOptions = {}) {
    this.alloc = o.alloc ?? plainAlloc;
    this.maxRecord = o.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    this.batchBytes = o.batchBytes ?? 1 << 20;
    this.batchRecords = o.batchRecords ?? Number.MAX_SAFE_INTEGER;
    this.indexOf = o.indexOf ?? defaultIndexOf;
    this.mode = o.mode ?? 'jsonl';
    if (o.origin) {
      this.abs = o.origin.offset;
      this.lineNo = o.origin.line;
      this.recordNo = o.origin.record;
      this.bom = o.origin.offset === 0;
    }
    this.store = this.alloc(Math.max(1 << 16, Math.min(this.batchBytes * 2, 1 << 22)));
  }

  /** Releases the buffer (engine memory). */
  free(): void {
    this.store.free();
  }

  /** Lines read so far (complete ones), e.g. for messages about the framing. */
  get lines(): number {
    return this.lineNo;
  }

  /** The framing in use (after sniffing). */
  get framing(): FramingMode {
    return this.mode;
  }

  /** Appends input bytes (copied); call take() after each push to collect what is complete. */
  push(chunk: Uint8Array): void {
    if (this.ended) throw new Error('pairsmith: Framer.push after end()');
    this.bytesIn += chunk.length;
    let c = chunk;
    if (!this.started) {
      if (this.fill + c.length < 3) {
        // Too little to see a BOM or to sniff: buffer it.
        this.append(c);
        return;
      }
      this.started = true;
      this.append(c);
      this.begin();
      this.scan();
      return;
    }
    while (c.length > 0) {
      if (this.skip) {
        const used = this.mode === 'jsonl' ? this.skipBytes(c) : this.skipArrayBytes(c);
        c = c.subarray(used);
        continue;
      }
      this.append(c);
      c = c.subarray(c.length);
      this.scan();
    }
  }

  /**
   * Room for at least `min` input bytes, to read into directly (no copy): write into the returned view from its
   * start, then call wrote(n). Valid until the next call on the framer.
   */
  space(min: number): Uint8Array {
    this.makeRoom(min);
    return this.store.view().subarray(this.fill);
  }

  /** Takes the `n` bytes written at the start of space()'s view, as push() would take them. */
  wrote(n: number): void {
    this.push(this.store.view().subarray(this.fill, this.fill + n));
  }

  /** Ends the input: a last line without a newline (e.g. truncated) is a record too. */
  end(): void {
    if (this.ended) return;
    if (!this.started) {
      this.started = true;
      this.begin();
    }
    this.ended = true;
    // While a too-large record is skipped there is nothing buffered to scan (its bytes were dropped).
    if (!this.skip) this.scan();
    if (this.mode === 'jsonl') {
      if (this.skip) this.finishSkip();
      else if (this.fill > this.scanLineStart()) this.record(this.scanLineStart(), this.fill, true);
    } else this.endArray();
  }

  /**
   * The complete records buffered so far, when there are at least batchBytes of them (or the input has ended and
   * any are left); null otherwise. The batch stays valid until the next push(), end() or take().
   */
  take(force = false): Batch | null {
    const all = this.starts.n;
    const pending = this.large.length;
    if (all === 0 && pending === 0) return null;
    const lastEnd = all > 0 ? this.ends.a[all - 1]! : this.pos;
    if (!force && !this.ended && lastEnd - this.pos < this.batchBytes && pending === 0 && all < this.batchRecords) return null;
    const n = Math.min(all, this.batchRecords);
    // Too-large records go with the batch that holds the records before them, so records stay in input order.
    const limit = n < all ? this.indexes.a[n]! : Infinity;
    const large = this.large.filter((l) => l.index < limit);
    const batch: Batch = {
      store: this.store,
      offset: this.offsets.a.slice(0, n),
      n,
      start: this.starts.a.slice(0, n),
      end: this.ends.a.slice(0, n),
      line: this.recLines.a.slice(0, n),
      index: this.indexes.a.slice(0, n),
      large,
      bytes: this.bytesIn,
    };
    this.bytesIn = 0;
    this.large = large.length === this.large.length ? [] : this.large.filter((l) => l.index >= limit);
    if (n < all) {
      // More records than one batch takes: keep the rest (their bytes stay where they are until the next take).
      for (const g of [this.starts, this.ends, this.recLines, this.indexes, this.offsets]) {
        g.a.copyWithin(0, n, all);
        g.n = all - n;
      }
      this.pos = this.starts.a[0]!;
    } else {
      this.starts.n = this.ends.n = this.recLines.n = this.indexes.n = this.offsets.n = 0;
      if (n > 0) this.pos = this.consumedTo();
    }
    return batch;
  }

  /** The input offset of store byte i (of the bytes since the last skipped record). */
  private offsetOf(i: number): number {
    return this.abs - this.fill + i;
  }

  // --- buffer ---------------------------------------------------------------------------------------------------

  /** Moves the unconsumed bytes [pos, fill) to the front (after a batch has been handed out) and grows if needed. */
  private makeRoom(need: number): void {
    if (this.fill + need <= this.store.length) return;
    // Records found but not yet handed out pin their bytes: compact only from the first of them.
    const from = this.starts.n > 0 ? Math.min(this.pos, this.starts.a[0]!) : this.pos;
    const live = this.fill - from;
    if (live + need <= this.store.length && from > 0) {
      const v = this.store.view();
      v.copyWithin(0, from, this.fill);
      this.shift(from);
      return;
    }
    let cap = this.store.length * 2;
    while (cap < live + need) cap *= 2;
    const next = this.alloc(cap);
    next.view().set(this.store.view().subarray(from, this.fill));
    this.store.free();
    this.store = next;
    this.shift(from);
  }

  /** All offsets move down by `d` after compaction. */
  private shift(d: number): void {
    if (d === 0) return;
    this.fill -= d;
    this.pos -= d;
    this.scanFrom = Math.max(0, this.scanFrom - d);
    for (let i = 0; i < this.starts.n; i++) {
      this.starts.a[i]! -= d;
      this.ends.a[i]! -= d;
    }
    if (this.arr.elemStart >= 0) this.arr.elemStart -= d;
    this.lineStart -= d;
  }

  private append(c: Uint8Array): void {
    const v = this.store.view();
    // Bytes written in place (space()/wrote()) are where they belong already.
    if (c.buffer !== v.buffer || c.byteOffset !== v.byteOffset + this.fill) {
      this.makeRoom(c.length);
      this.store.view().set(c, this.fill);
    }
    this.fill += c.length;
    this.abs += c.length;
  }

  // --- JSON Lines -----------------------------------------------------------------------------------------------

  /** Start of the current (unfinished) line. */
  private lineStart = 0;

  private scanLineStart(): number {
    return this.lineStart;
  }

  private consumedTo(): number {
    return this.mode === 'jsonl' ? this.lineStart : this.arr.elemStart >= 0 ? this.arr.elemStart : this.fill;
  }

  /** Decides the framing (sniff) and skips a UTF-8 BOM. */
  private begin(): void {
    const v = this.store.view();
    let i = 0;
    if (this.bom && this.fill >= 3 && v[0] === 0xef && v[1] === 0xbb && v[2] === 0xbf) i = 3;
    this.pos = this.lineStart = this.scanFrom = i;
    if (this.mode === 'sniff') this.mode = this.sniff(i);
    if (this.mode === 'array') {
      this.arr.state = 0;
      this.scanFrom = i;
    }
  }

  /**
   * JSON Lines unless the input starts with '[' and is a JSON array document: a first value that spans lines, or
   * one that is followed by nothing else. An array on the first line followed by more lines is JSON Lines (whose
   * first record is an array, rejected as not an object).
   */
  private sniff(from: number): FramingMode {
    const v = this.store.view();
    let i = from;
    while (i < this.fill && (v[i] === 0x20 || v[i] === 0x09 || v[i] === 0x0d || v[i] === 0x0a)) i++;
    if (i >= this.fill || v[i] !== 0x5b) return 'jsonl';
    let depth = 0;
    let inStr = false;
    let esc = false;
    for (let j = i; j < this.fill; j++) {
      const c = v[j]!;
      if (inStr) {
        if (esc) esc = false;
        else if (c === 0x5c) esc = true;
        else if (c === 0x22) inStr = false;
        else if (c === LF) return 'array';
        continue;
      }
      if (c === LF) return 'array';
      if (c === 0x22) inStr = true;
      else if (c === 0x5b || c === 0x7b) depth++;
      else if (c === 0x5d || c === 0x7d) {
        depth--;
        if (depth === 0) {
          // The first value ends on its first line: JSON Lines if another record follows.
          for (let k = j + 1; k < this.fill; k++) {
            const d = v[k]!;
            if (d === 0x20 || d === 0x09 || d === 0x0d || d === LF) continue;
            return 'jsonl';
          }
          return 'array';
        }
      }
    }
    // The first line is not finished in what is buffered (a long single-line array, or a long record).
    return 'array';
  }

  private scan(): void {
    if (this.mode === 'array') this.scanArray();
    else this.scanLines();
  }

  private scanLines(): void {
    // Only the bytes held are searched (the buffer beyond `fill` is free space, up to megabytes).
    const v = this.store.view().subarray(0, this.fill);
    for (;;) {
      const nl = this.indexOf(v, LF, this.scanFrom);
      if (nl < 0 || nl >= this.fill) {
        this.scanFrom = this.fill;
        // A line's final CR is not part of its record.
        const len = this.fill - this.lineStart - (this.fill > this.lineStart && v[this.fill - 1] === 0x0d ? 1 : 0);
        if (len > this.maxRecord) this.startSkip();
        return;
      }
      this.record(this.lineStart, nl, false, v);
      this.lineStart = this.scanFrom = nl + 1;
    }
  }

  /** A complete line [s, e) (without its newline): a record unless blank. `v`: the store's bytes (a view made once per scan). */
  private record(s: number, e: number, last: boolean, v: Uint8Array = this.store.view()): void {
    const line = ++this.lineNo;
    let t = e;
    if (t > s && v[t - 1] === 0x0d) t--;
    if (last) this.lineStart = this.scanFrom = e;
    if (!hasContent(v, s, t)) return;
    if (t - s > this.maxRecord) {
      this.large.push({ line, index: this.recordNo++, bytes: t - s, head: headDecoder.decode(v.subarray(s, Math.min(t, s + HEAD_BYTES))) });
      return;
    }
    this.starts.push(s);
    this.ends.push(t);
    this.recLines.push(line);
    this.indexes.push(this.recordNo++);
    this.offsets.push(this.offsetOf(s));
  }

  /** The unfinished line exceeds the limit: keep its first KiB and drop its bytes from here on. */
  private startSkip(): void {
    this.skip = new Skip(this.lineNo + 1, this.store.view().subarray(this.lineStart, this.fill), false);
    this.fill = this.lineStart;
    this.scanFrom = this.lineStart;
  }

  /** Skips bytes of a too-large line; returns how many of `c` were used (up to and including its newline). */
  private skipBytes(c: Uint8Array): number {
    const sk = this.skip!;
    const nl = this.indexOf(c, LF, 0);
    sk.add(c.subarray(0, nl < 0 ? c.length : nl));
    if (nl < 0) {
      this.abs += c.length;
      return c.length;
    }
    this.abs += nl + 1;
    this.finishSkip();
    return nl + 1;
  }

  private finishSkip(): void {
    const sk = this.skip!;
    this.skip = null;
    ++this.lineNo;
    this.large.push(sk.finish(this.recordNo++));
    this.lineStart = this.scanFrom = this.fill;
  }

  // --- JSON array -----------------------------------------------------------------------------------------------

  /**
   * Runs the array state machine over bytes[from, to). States: 0 before '[', 1 between elements (a value or ']'
   * expected), 2 in an element, 3 after ']'. Calls onEnd(i) when the element in progress ends at bytes[i] (its ',' or
   * ']'); returns the index where it stopped (to, or just after an element end when `stopAtEnd`).
   */
  private arrayBytes(v: Uint8Array, from: number, to: number, onStart: (i: number) => void, onEnd: (i: number) => void, stopAtEnd: boolean): number {
    const a = this.arr;
    for (let i = from; i < to; i++) {
      const c = v[i]!;
      if (a.state === 2) {
        if (c === LF) this.lineNo++;
        if (a.inString) {
          if (a.escape) a.escape = false;
          else if (c === 0x5c) a.escape = true;
          else if (c === 0x22) a.inString = false;
          continue;
        }
        if (c === 0x22) a.inString = true;
        else if (c === 0x7b || c === 0x5b) a.depth++;
        else if ((c === 0x7d || c === 0x5d) && a.depth > 0) a.depth--;
        else if (a.depth === 0 && (c === 0x2c || c === 0x5d)) {
          a.state = c === 0x5d ? 3 : 1;
          onEnd(i);
          if (stopAtEnd) return i + 1;
        }
        continue;
      }
      if (c === LF) this.lineNo++;
      const ws = c === 0x20 || c === LF || c === 0x0d || c === 0x09;
      if (a.state === 0) {
        if (c === 0x5b) a.state = 1;
        else if (!ws) throw new FramingError(`a JSON array input must start with '[' (found ${JSON.stringify(String.fromCharCode(c))})`, this.lineNo + 1);
      } else if (a.state === 1) {
        if (c === 0x5d) a.state = 3;
        else if (!ws && c !== 0x2c) {
          a.state = 2;
          a.depth = 0;
          a.inString = false;
          a.escape = false;
          a.elemLine = this.lineNo + 1;
          onStart(i);
          i--; // this byte is the element's first: read it again in state 2
        }
      } else if (!ws && a.trailing < 0) a.trailing = this.lineNo + 1;
    }
    return to;
  }

  private scanArray(): void {
    const v = this.store.view();
    const a = this.arr;
    this.scanFrom = this.arrayBytes(
      v,
      this.scanFrom,
      this.fill,
      (i) => (a.elemStart = i),
      (i) => {
        this.element(a.elemStart, i);
        a.elemStart = -1;
      },
      false,
    );
    if (a.state === 2 && trimEnd(v, a.elemStart, this.fill) - a.elemStart > this.maxRecord) {
      // An element too large to buffer (its trailing whitespace not counted): keep its first KiB, drop its bytes,
      // and skip the rest as it arrives.
      this.skip = new Skip(a.elemLine, v.subarray(a.elemStart, this.fill), true);
      this.fill = a.elemStart;
      this.scanFrom = this.fill;
      a.elemStart = -1;
    }
    if (a.state !== 2) this.lineStart = this.fill;
  }

  /** Skips bytes of a too-large array element; returns how many of `c` were used (up to its ',' or ']'). */
  private skipArrayBytes(c: Uint8Array): number {
    const sk = this.skip!;
    let ended = false;
    const used = this.arrayBytes(c, 0, c.length, () => {}, () => (ended = true), true);
    this.abs += used;
    sk.add(c.subarray(0, ended ? used - 1 : used));
    if (!ended) return used;
    this.skip = null;
    this.large.push(sk.finish(this.recordNo++));
    this.lineStart = this.scanFrom = this.fill;
    return used;
  }

  private element(s: number, e: number): void {
    const v = this.store.view();
    const t = trimEnd(v, s, e);
    this.lineStart = e + 1;
    if (t - s > this.maxRecord) {
      this.large.push({ line: this.arr.elemLine, index: this.recordNo++, bytes: t - s, head: headDecoder.decode(v.subarray(s, Math.min(t, s + HEAD_BYTES))) });
      return;
    }
    this.starts.push(s);
    this.ends.push(t);
    this.recLines.push(this.arr.elemLine);
    this.indexes.push(this.recordNo++);
    this.offsets.push(this.offsetOf(s));
  }

  private endArray(): void {
    const a = this.arr;
    if (this.skip) {
      // The input ended inside a too-large element.
      const sk = this.skip;
      this.skip = null;
      this.large.push(sk.finish(this.recordNo++));
      a.state = 3;
    }
    if (a.state === 2) {
      // An unterminated array: its last (truncated) element is a record, rejected as malformed later.
      this.element(a.elemStart, this.fill);
      a.elemStart = -1;
      a.state = 3;
    }
    if (a.state === 0) throw new FramingError('a JSON array input must be one JSON array (the input is empty)', this.lineNo + 1);
    if (a.trailing >= 0) throw new FramingError(`unexpected text after the JSON array on line ${a.trailing}`, a.trailing);
  }
}
