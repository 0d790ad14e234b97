// The oracle's framing: input bytes -> records with their 1-based physical line and 0-based record number.
// JSON Lines: split at '\n', one trailing '\r' stripped, lines of only spaces / tabs / CRs are blank (not records,
// but counted as lines), a leading UTF-8 BOM dropped. A JSON array is read in the layout the generators write:
// '[' alone on the first line, then one element per line followed by ',' (the last one without), then ']' (a
// truncated array has no ']'). A record longer than maxRecordBytes (not counting its line end) is too large: only
// its first KiB is kept, decoded.
import { decode } from './json.js';

export interface FramedRecord {
  line: number;
  index: number;
  /** The record's bytes (absent when too large). */
  bytes?: Uint8Array;
  /** A too-large record's first KiB as text. */
  head?: string;
}

export const HEAD_BYTES = 1024;

function dropBom(b: Uint8Array): Uint8Array {
  return b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? b.subarray(3) : b;
}

/** Physical lines: each without its '\n' and without one trailing '\r'. */
function lines(b: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let s = 0;
  for (let i = 0; i < b.length; i++) {
    if (b[i] !== 0x0a) continue;
    out.push(b.subarray(s, i));
    s = i + 1;
  }
  if (s < b.length) out.push(b.subarray(s));
  return out.map((l) => (l.length > 0 && l[l.length - 1] === 0x0d ? l.subarray(0, l.length - 1) : l));
}

const isWs = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;

function record(bytes: Uint8Array, line: number, index: number, maxRecordBytes: number): FramedRecord {
  if (bytes.length > maxRecordBytes) return { line, index, head: decode(bytes.subarray(0, HEAD_BYTES)) };
  return { line, index, bytes };
}

export function frameJsonLines(input: Uint8Array, maxRecordBytes: number): FramedRecord[] {
  const out: FramedRecord[] = [];
  lines(dropBom(input)).forEach((l, i) => {
    if (l.every((c) => c === 0x20 || c === 0x09 || c === 0x0d)) return;
    out.push(record(l, i + 1, out.length, maxRecordBytes));
  });
  return out;
}

export function frameArray(input: Uint8Array, maxRecordBytes: number): FramedRecord[] {
  const ls = lines(dropBom(input));
  const trim = (l: Uint8Array): string => decode(l).replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
  if (ls.length === 0 || trim(ls[0]!) !== '[') throw new Error('oracle: not an array in the generators\' layout');
  const out: FramedRecord[] = [];
  for (let i = 1; i < ls.length; i++) {
    let l = ls[i]!;
    const t = trim(l);
    if (t === ']') break;
    if (t === '') continue;
    let e = l.length;
    while (e > 0 && isWs(l[e - 1]!)) e--;
    if (e > 0 && l[e - 1] === 0x2c) e--;
    while (e > 0 && isWs(l[e - 1]!)) e--;
    l = l.subarray(0, e);
    out.push(record(l, i + 1, out.length, maxRecordBytes));
  }
  return out;
}
