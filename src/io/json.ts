// A tolerant JSON reader for data lines: standard JSON plus the literals NaN, Infinity and -Infinity that
// Python's json.dumps writes. Numbers beyond f64 range (1e309) read as +-Infinity. Object keys become own
// data properties (setOwn: `__proto__` is defined, never assigned), so `__proto__` and `constructor` keys never touch
// any prototype.

/**
 * Sets an own data property of a plain object: a plain assignment (the object stays a fast one; defineProperty on
 * every key makes it a slow, dictionary object), except `__proto__`, which must be defined (assigning it would set
 * the prototype).
 */
export function setOwn(o: Record<string, unknown>, key: string, v: unknown): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value: v, writable: true, enumerable: true, configurable: true });
  else o[key] = v;
}

/** A JSON text that could not be read; `pos` is the 0-based character offset of the problem. */
export class JsonSyntaxError extends SyntaxError {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

/**
 * Parses one JSON value. Tries the native parser first (fast path; it already defines `__proto__` as an own
 * property) and falls back to a small recursive-descent parser that also accepts NaN / Infinity / -Infinity.
 * Throws JsonSyntaxError naming the offset. O(length).
 */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return new Parser(text).parseDocument();
  }
}

/** Writes a value as one JSON line: non-finite numbers become null (JSON has no NaN), like JSON.stringify. */
export function stringifyJson(value: unknown): string {
  return JSON.stringify(value);
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  parseDocument(): unknown {
    this.ws();
    const v = this.value(0);
    this.ws();
    if (this.i < this.s.length) this.fail(`unexpected '${this.s[this.i]}' after the value`);
    return v;
  }

  private fail(msg: string): never {
    const at = this.i >= this.s.length ? 'end of input' : `offset ${this.i}`;
    throw new JsonSyntaxError(`${msg} at ${at}`, this.i);
  }

  private ws(): void {
    while (this.i < this.s.length && WS.has(this.s.charCodeAt(this.i))) this.i++;
  }

  private value(depth: number): unknown {
    if (depth > 512) this.fail('nesting deeper than 512');
    const c = this.s[this.i];
    switch (c) {
      case '{':
        return this.object(depth);
      case '[':
        return this.array(depth);
      case '"':
        return this.string();
      case 't':
        return this.word('true', true);
      case 'f':
        return this.word('false', false);
      case 'n':
        return this.word('null', null);
      case 'N':
        return this.word('NaN', Number.NaN);
      case 'I':
        return this.word('Infinity', Number.POSITIVE_INFINITY);
      case undefined:
        return this.fail('unexpected end of input');
      default:
        if (c === '-' && this.s.startsWith('-Infinity', this.i)) return this.word('-Infinity', Number.NEGATIVE_INFINITY);
        if (c === '-' || (c >= '0' && c <= '9')) return this.number();
        return this.fail(`unexpected '${c}'`);
    }
  }

  private word<T>(w: string, v: T): T {
    if (!this.s.startsWith(w, this.i)) this.fail(`unexpected '${this.s[this.i]}'`);
    this.i += w.length;
    return v;
  }

  private number(): number {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.s.slice(this.i, this.i + 400));
    if (!m) this.fail('bad number');
    this.i += m[0].length;
    return Number(m[0]);
  }

  private string(): string {
    const start = ++this.i;
    let out = '';
    let chunk = start;
    for (;;) {
      if (this.i >= this.s.length) this.fail('unterminated string');
      const c = this.s.charCodeAt(this.i);
      if (c === 0x22) {
        out += this.s.slice(chunk, this.i);
        this.i++;
        return out;
      }
      if (c < 0x20) this.fail('control character in string');
      if (c === 0x5c) {
        out += this.s.slice(chunk, this.i);
        const e = this.s[this.i + 1];
        this.i += 2;
        switch (e) {
          case '"':
          case '\\':
          case '/':
            out += e;
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          case 'u': {
            const hex = this.s.slice(this.i, this.i + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('bad \\u escape');
            out += String.fromCharCode(parseInt(hex, 16));
            this.i += 4;
            break;
          }
          default:
            this.i -= 1;
            this.fail('bad escape');
        }
        chunk = this.i;
        continue;
      }
      this.i++;
    }
  }

  private array(depth: number): unknown[] {
    this.i++;
    const out: unknown[] = [];
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      out.push(this.value(depth + 1));
      this.ws();
      const c = this.s[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === ']') {
        this.i++;
        return out;
      }
      this.fail(c === undefined ? 'unterminated array' : `expected ',' or ']' but found '${c}'`);
    }
  }

  private object(depth: number): Record<string, unknown> {
    this.i++;
    const out: Record<string, unknown> = {};
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail(this.i >= this.s.length ? 'unterminated object' : 'expected a key string');
      const key = this.string();
      this.ws();
      if (this.s[this.i] !== ':') this.fail("expected ':'");
      this.i++;
      this.ws();
      const v = this.value(depth + 1);
      setOwn(out, key, v);
      this.ws();
      const c = this.s[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === '}') {
        this.i++;
        return out;
      }
      this.fail(c === undefined ? 'unterminated object' : `expected ',' or '}' but found '${c}'`);
    }
  }
}
