// Incremental splitters from text chunks to RawItems: JSON lines, and the elements of one top-level JSON
// array. Both keep only the current unfinished record in memory and track 1-based physical lines.
import { parseJson } from './json.js';
import type { RawItem } from './types.js';

function parseItem(text: string, index: number, line: number): RawItem {
  try {
    return { index, line, value: parseJson(text) };
  } catch (e) {
    return { index, line, error: (e as Error).message, text };
  }
}

/** JSON Lines: one record per non-blank line. A last line without a newline is still a record. */
export class LineSplitter {
  private rest = '';
  private line = 0;
  private index = 0;

  /** Feeds decoded text; returns the records completed by it. */
  push(chunk: string, out: RawItem[] = []): RawItem[] {
    const s = this.rest + chunk;
    let start = 0;
    for (let nl = s.indexOf('\n', start); nl >= 0; nl = s.indexOf('\n', start)) {
      this.emit(s.slice(start, nl), out);
      start = nl + 1;
    }
    this.rest = s.slice(start);
    return out;
  }

  /** Ends the input: a final unterminated line (e.g. truncated) is emitted too. */
  end(out: RawItem[] = []): RawItem[] {
    if (this.rest !== '') this.emit(this.rest, out);
    this.rest = '';
    return out;
  }

  private emit(raw: string, out: RawItem[]): void {
    this.line++;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim() === '') return;
    out.push(parseItem(text, this.index++, this.line));
  }
}

/**
 * The elements of a top-level JSON array (`[ {...}, {...} ]`), split without parsing the whole array:
 * a scanner tracks strings and nesting depth and cuts elements at depth-1 commas. Each element is then
 * parsed on its own (so one malformed element is one malformed record). `line` is the element's first line.
 */
export class ArraySplitter {
  private buf = '';
  private state: 'before' | 'between' | 'in' | 'after' = 'before';
  private depth = 0;
  private inString = false;
  private escape = false;
  private line = 1;
  private elemLine = 1;
  private index = 0;
  private trailing = '';

  push(chunk: string, out: RawItem[] = []): RawItem[] {
    // Element text is appended as slices of `chunk` (from `from` to the cut), not character by character.
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const code = chunk.charCodeAt(i);
      if (code === 0x0a) this.line++;
      if (this.state === 'in') {
        if (this.inString) {
          if (this.escape) this.escape = false;
          else if (code === 0x5c) this.escape = true;
          else if (code === 0x22) this.inString = false;
        } else if (code === 0x22) this.inString = true;
        else if (code === 0x7b || code === 0x5b) this.depth++;
        else if (code === 0x5d && this.depth === 0) {
          // the closing bracket of the array itself
          this.buf += chunk.slice(from, i);
          this.flush(out);
          this.state = 'after';
        } else if ((code === 0x7d || code === 0x5d) && this.depth > 0) this.depth--;
        else if (code === 0x2c && this.depth === 0) {
          this.buf += chunk.slice(from, i);
          this.flush(out);
          this.state = 'between';
        }
        continue;
      }
      const ws = code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
      if (this.state === 'before') {
        if (code === 0x5b) this.state = 'between';
        else if (!ws) throw new SyntaxError(`line ${this.line}: a JSON array input must start with '[' (found '${chunk[i]}')`);
      } else if (this.state === 'between') {
        if (code === 0x5d) this.state = 'after';
        else if (!ws && code !== 0x2c) {
          this.state = 'in';
          this.elemLine = this.line;
          this.buf = '';
          this.depth = 0;
          from = i;
          i--; // re-read this character in state 'in'
        }
      } else if (!ws) this.trailing += chunk[i];
    }
    if (this.state === 'in') this.buf += chunk.slice(from);
    return out;
  }

  /** Ends the input: an unterminated array yields its last (truncated) element as a malformed record. */
  end(out: RawItem[] = []): RawItem[] {
    if (this.state === 'in') {
      this.flush(out);
      this.state = 'after';
    }
    if (this.state === 'before') throw new SyntaxError('a .json input must be one JSON array (the input is empty)');
    if (this.trailing !== '') throw new SyntaxError(`unexpected text after the JSON array: '${this.trailing.slice(0, 20)}'`);
    return out;
  }

  private flush(out: RawItem[]): void {
    const text = this.buf.trim();
    this.buf = '';
    this.inString = false;
    this.escape = false;
    if (text !== '') out.push(parseItem(text, this.index++, this.elemLine));
  }
}
