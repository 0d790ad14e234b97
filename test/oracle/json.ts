// The oracle's JSON rules, written plainly on JSON.parse: a record's bytes are decoded with TextDecoder (invalid
// UTF-8 reads as U+FFFD), parsed by JSON.parse, or by a small tolerant parser for the NaN / Infinity / -Infinity
// literals Python writes (the old src/io/json.ts Parser, with a depth limit). A record is strict when its bytes are
// valid UTF-8 and JSON.parse reads it; strict records keep their parsed value in the rejects file, others their text.

/** Records nested deeper than this are rejected as too_deep (the top-level object is depth 1). */
export const MAX_DEPTH = 512;

const lenient = new TextDecoder('utf-8', { ignoreBOM: true });
const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Bytes as text: invalid UTF-8 as U+FFFD, a BOM kept (the caller drops the input's leading one). */
export function decode(b: Uint8Array): string {
  return lenient.decode(b);
}

export function isUtf8(b: Uint8Array): boolean {
  try {
    fatal.decode(b);
    return true;
  } catch {
    return false;
  }
}

export type ParsedRecord =
  | { status: 'object'; value: Record<string, unknown>; strict: boolean; text: string }
  | { status: 'not_an_object'; value: unknown; strict: boolean; text: string }
  | { status: 'malformed_json' | 'too_deep'; text: string };

/** Nesting depth of a JSON text: the most brackets open at once, outside strings (repeated keys count too). */
export function depthOf(text: string): number {
  let d = 0;
  let max = 0;
  let str = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (str) {
      if (c === '\\') i++;
      else if (c === '"') str = false;
    } else if (c === '"') str = true;
    else if (c === '[' || c === '{') max = Math.max(max, ++d);
    else if (c === ']' || c === '}') d--;
  }
  return max;
}

/** What a record's bytes are: an object, another value, malformed, or too deep. */
export function parseRecord(bytes: Uint8Array): ParsedRecord {
  const text = decode(bytes);
  let value: unknown;
  let strict: boolean;
  try {
    value = JSON.parse(text);
    strict = isUtf8(bytes);
    if (depthOf(text) > MAX_DEPTH) return { status: 'too_deep', text };
  } catch {
    try {
      value = new Parser(text).document();
      strict = false;
    } catch (e) {
      return { status: e instanceof TooDeep ? 'too_deep' : 'malformed_json', text };
    }
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return { status: 'object', value: value as Record<string, unknown>, strict, text };
  return { status: 'not_an_object', value, strict, text };
}

class TooDeep extends Error {}
class Bad extends Error {}

/** JSON plus NaN, Infinity, -Infinity; keys are own data properties; containers deeper than MAX_DEPTH throw TooDeep. */
class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  document(): unknown {
    this.ws();
    const v = this.value(0);
    this.ws();
    if (this.i < this.s.length) throw new Bad();
    return v;
  }

  private ws(): void {
    while (this.i < this.s.length && ' \t\n\r'.includes(this.s[this.i]!)) this.i++;
  }

  private value(depth: number): unknown {
    const c = this.s[this.i];
    if (c === '{' || c === '[') {
      if (depth + 1 > MAX_DEPTH) throw new TooDeep();
      return c === '{' ? this.object(depth + 1) : this.array(depth + 1);
    }
    if (c === '"') return this.string();
    for (const [w, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
      ['NaN', NaN],
      ['Infinity', Infinity],
      ['-Infinity', -Infinity],
    ] as const) {
      if (this.s.startsWith(w, this.i)) {
        this.i += w.length;
        return v;
      }
    }
    const m = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    m.lastIndex = this.i;
    const r = m.exec(this.s);
    if (!r) throw new Bad();
    this.i += r[0].length;
    return Number(r[0]);
  }

  private string(): string {
    const m = /"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/y;
    m.lastIndex = this.i;
    const r = m.exec(this.s);
    if (!r) throw new Bad();
    this.i += r[0].length;
    return JSON.parse(r[0]) as string;
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
      out.push(this.value(depth));
      this.ws();
      const c = this.s[this.i++];
      if (c === ']') return out;
      if (c !== ',') throw new Bad();
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
      if (this.s[this.i] !== '"') throw new Bad();
      const key = this.string();
      this.ws();
      if (this.s[this.i++] !== ':') throw new Bad();
      this.ws();
      put(out, key, this.value(depth));
      this.ws();
      const c = this.s[this.i++];
      if (c === '}') return out;
      if (c !== ',') throw new Bad();
    }
  }
}

/** Sets an own data property (a `__proto__` key stays data). */
export function put(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
}

export const own = (o: Record<string, unknown>, k: string): unknown => (Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);

/** A value as a JSON writer re-encodes it: NaN and +-Infinity become null, undefined members null. */
export function reencoded(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (v === undefined) return null;
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(reencoded);
  const o: Record<string, unknown> = {};
  for (const k of Object.keys(v)) put(o, k, reencoded((v as Record<string, unknown>)[k]));
  return o;
}
