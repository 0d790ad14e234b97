// Generators of hostile inputs for the data path property tests: files of candidate sets or preference pairs (text
// and message-list forms, pairs with and without a prompt, hh-rlhf dialogues) mixed with malformed lines, bad values
// inside arrays ([nul], [1,,2]), bad escapes, raw control characters, invalid UTF-8, a truncated last line,
// null / NaN / Infinity / 1e309 / string scores, numbers written in many ways, duplicate keys, __proto__ and
// constructor keys, CRLF line ends, a leading BOM, blank lines, deep nesting, records over a small
// --max-record-bytes, extra columns and unicode. A record is built as JSON text from parts, so the generators can
// write what JSON.stringify never would; what the text means is the oracle's business, not the generator's.
import fc from 'fast-check';

export type Bytes = Uint8Array;
const te = new TextEncoder();
export const utf8 = (s: string): Bytes => te.encode(s);

export function cat(...parts: Bytes[]): Bytes {
  const n = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const join = (parts: Bytes[], sep: string): Bytes => cat(...parts.flatMap((p, i) => (i === 0 ? [p] : [utf8(sep), p])));

/** `arb` once in `n` draws, else `nil`. */
export const rarely = <T, N>(arb: fc.Arbitrary<T>, n: number, nil: N): fc.Arbitrary<T | N> => fc.oneof({ weight: n - 1, arbitrary: fc.constant(nil) }, { weight: 1, arbitrary: arb });

// --- strings -------------------------------------------------------------------------------------------------------------

const CHARS = ['a', '\uFEFF', 'b', 'c', 'x', ' ', 'é', '€', '😀', '\u0301', '"', '\\', '/', '\n', '\t', '\u0000', '\u001f', '\u2028', '<', '{', '[', ',', 'ß', '中'];
const word = fc.string({ unit: fc.constantFrom(...CHARS), maxLength: 10 });

/** One JSON string token for `s`, written one of several equivalent ways. */
function stringToken(s: string, how: number): Bytes {
  if (how === 1) {
    // Every non-ASCII code unit as a \u escape.
    return utf8(JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  }
  if (how === 2) return utf8(JSON.stringify(s).replace(/\//g, '\\/'));
  return utf8(JSON.stringify(s));
}

/** A string value: mostly plain, sometimes with a lone surrogate, invalid UTF-8 (valid JSON, re-encoded) or worse. */
const stringValue = fc.oneof(
  { weight: 120, arbitrary: fc.tuple(word, fc.integer({ min: 0, max: 2 })).map(([s, how]) => stringToken(s, how)) },
  { weight: 1, arbitrary: word.map((s) => utf8(`"${JSON.stringify(s).slice(1, -1)}\\ud83d"`)) },
  { weight: 2, arbitrary: fc.constantFrom<Bytes>(cat(utf8('"a'), Uint8Array.of(0xff), utf8('b"')), cat(utf8('"x'), Uint8Array.of(0xe2, 0x82), utf8('"')), cat(utf8('"'), Uint8Array.of(0xc0, 0x80, 0xed, 0xa0, 0x80), utf8('"'))) },
  // Not JSON: a bad escape, a raw control character.
  { weight: 1, arbitrary: fc.constantFrom<Bytes>(utf8('"a\\qb"'), utf8('"a\u0001b"'), utf8('"tab\there"'), utf8('"\\u12"')) },
);

/** A JSON number token (the value and its text, many spellings of the same value). */
function numberTexts(v: number): string[] {
  const out = [String(v), v.toExponential(), v.toFixed(3)];
  if (Number.isInteger(v * 4)) out.push(`${v * 100}e-2`, `${v * 4}e0`.replace(/^(-?)(\d+)e0$/, '$1$2.00E0'));
  return out.filter((t) => /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(t) && Number(t) === v);
}

/** A score: a small dyadic value (so ties are common and sums exact), an extreme, a non-finite literal, or a wrong type. */
export const scoreToken = (probabilities: boolean): fc.Arbitrary<Bytes> =>
  fc.oneof(
    {
      weight: 60,
      // A coarse grid half of the time: equal scores (ties, several maxima) are common.
      arbitrary: (probabilities
        ? fc.oneof(fc.integer({ min: -2, max: 10 }).map((k) => k / 8), fc.integer({ min: 0, max: 2 }).map((k) => k / 2))
        : fc.oneof(fc.integer({ min: -12, max: 12 }).map((k) => k / 4), fc.integer({ min: -2, max: 2 }))
      ).chain((v) => fc.constantFrom(...numberTexts(v)).map(utf8)),
    },
    // Extremes of one sign only: a spread beyond the f64 range overflows the groupStats kernel (reported; see
    // test/datapath/rules.test.ts), which the oracle does not share.
    { weight: 2, arbitrary: fc.constantFrom('1.7976931348623157e308', '1e308', '5e-324', '-0', '2.2250738585072014e-308', '0.1', '123456789.12345678901', '1e-400', '1e22', '1e23').map(utf8) },
    { weight: 2, arbitrary: fc.constantFrom('null', 'NaN', 'Infinity', '-Infinity', '1e309', '-1e309').map(utf8) },
    { weight: 1, arbitrary: fc.constantFrom('"1.5"', 'true', '{}', '[]', '[1]', '"NaN"').map(utf8) },
  );

// --- values and records ------------------------------------------------------------------------------------------

/** A member list as an object's text; keys as given (already tokens). */
function object(members: [Bytes, Bytes][], spaced: boolean): Bytes {
  const sep = spaced ? ', ' : ',';
  const kv = members.map(([k, v]) => cat(k, utf8(spaced ? ': ' : ':'), v));
  return cat(utf8(spaced ? '{ ' : '{'), join(kv, sep), utf8(spaced ? ' }' : '}'));
}

const arrayOf = (items: Bytes[]): Bytes => cat(utf8('['), join(items, ','), utf8(']'));

/** A key token: plain, or with escapes that decode to the same key. */
const key = (k: string): fc.Arbitrary<Bytes> =>
  fc.oneof(
    { weight: 12, arbitrary: fc.constant(utf8(JSON.stringify(k))) },
    { weight: 1, arbitrary: fc.constant(utf8(`"${k.slice(0, 1)}${k.length > 1 ? `\\u${k.charCodeAt(1).toString(16).padStart(4, '0')}` : ''}${k.slice(2)}"`)) },
  );

const role = fc.constantFrom('user', 'assistant', 'system');

/** A message list's text: {role, content} objects, sometimes with extra keys. */
const messages = (minLength = 1): fc.Arbitrary<Bytes> =>
  fc.array(fc.tuple(role, stringValue, fc.boolean()), { minLength, maxLength: 3 }).map((ms) =>
    arrayOf(ms.map(([r, c, extra]) => object([[utf8('"role"'), utf8(JSON.stringify(r))], [utf8('"content"'), c], ...(extra ? ([[utf8('"name"'), utf8('"n"')]] as [Bytes, Bytes][]) : [])], false))),
  );

/** A prompt or response: a string, a message list, or (rarely) something that is neither. */
const textValue = fc.oneof(
  { weight: 40, arbitrary: stringValue },
  { weight: 10, arbitrary: messages() },
  { weight: 1, arbitrary: fc.constantFrom('42', 'null', '[{"role":"user"}]', '[{"role":1,"content":"x"}]', '{"content":"x"}', '[]').map(utf8) },
);

/** Any JSON-ish value for extra columns, with the hostile bits: nested NaN, 1e309, bad arrays. */
const extraValue = fc.oneof(
  { weight: 6, arbitrary: fc.oneof(stringValue, scoreToken(false), fc.constantFrom('true', 'false', 'null', '{"a":[1,{"b":null}]}', '[1,"x",[2]]', '{"a":1,"a":2}').map(utf8)) },
  { weight: 1, arbitrary: fc.constantFrom('[nul]', '[1,,2]', '[1 2]', '{"a" 1}', '[NaN,Infinity]', '{"x":-Infinity}', '[1e309]', '[1,]').map(utf8) },
);

/** Nested arrays `d` deep (as a member value: the record is d + 1 deep). */
const deep = (d: number, obj: boolean): Bytes => utf8(obj ? `${'{"a":'.repeat(d - 1)}{}${'}'.repeat(d - 1)}` : `${'['.repeat(d)}${']'.repeat(d)}`);

/** Extra members of any record: ids, hostile keys, deep values, long padding, unknown columns. */
const extras: fc.Arbitrary<[Bytes, Bytes][]> = fc.array(
  fc.oneof(
    { weight: 8, arbitrary: fc.tuple(key('extra'), extraValue) },
    { weight: 1, arbitrary: fc.tuple(fc.constant(utf8('"id"')), fc.oneof(stringValue, scoreToken(false))) },
    { weight: 1, arbitrary: fc.constant<[Bytes, Bytes]>([utf8('"__proto__"'), utf8('{"polluted":1}')]) },
    { weight: 1, arbitrary: fc.constant<[Bytes, Bytes]>([utf8('"constructor"'), utf8('{"prototype":{"bad":1}}')]) },
    { weight: 1, arbitrary: fc.tuple(fc.constant(utf8('"deep"')), fc.tuple(fc.constantFrom(510, 511, 512, 513), fc.boolean()).map(([d, o]) => deep(d, o))) },
    { weight: 1, arbitrary: fc.tuple(fc.constant(utf8('"pad"')), fc.integer({ min: 100, max: 1200 }).map((n) => utf8(JSON.stringify('p'.repeat(n))))) },
    { weight: 1, arbitrary: fc.tuple(fc.constant(utf8('"ü😀"')), stringValue) },
  ),
  { maxLength: 2 },
);

/** Shuffles members, sometimes repeats one of them with another value (the last one counts). */
function assemble(members: [Bytes, Bytes][], order: number[], dup: [Bytes, Bytes] | null, spaced: boolean): Bytes {
  const m = members.map((x, i) => [order[i % order.length]! + i / 1000, x] as const).sort((a, b) => a[0] - b[0]).map((x) => x[1]);
  if (dup) m.splice(Math.min(1, m.length), 0, dup);
  return object(m, spaced);
}

const layout = fc.record({ order: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 8 }), spaced: fc.boolean() });

/** Log-prob entries (aligned with n responses, or not): sums, token lists, non-finite values, wrong types. */
const logpEntry = fc.oneof(
  { weight: 30, arbitrary: fc.integer({ min: -40, max: 0 }).map((k) => utf8(String(k / 4))) },
  { weight: 10, arbitrary: fc.array(fc.integer({ min: -12, max: 0 }).map((k) => String(k / 4)), { maxLength: 4 }).map((t) => utf8(`[${t.join(',')}]`)) },
  { weight: 1, arbitrary: fc.constantFrom('NaN', '-Infinity', 'null', '"x"', '[[1]]', '[1,null]', '[NaN]').map(utf8) },
);

const logps = (n: number): fc.Arbitrary<Bytes> =>
  fc.oneof(
    { weight: 30, arbitrary: fc.array(logpEntry, { minLength: n, maxLength: n }).map(arrayOf) },
    { weight: 1, arbitrary: fc.array(logpEntry, { maxLength: 4 }).map(arrayOf) },
    { weight: 1, arbitrary: fc.constantFrom('null', '5', '"x"').map(utf8) },
  );

export interface CandidateFields {
  responses: string;
  scores: string;
}

/** A candidate set (candidates format, or its fields under other names / dot paths). */
export const candidateRecord = (fields: CandidateFields, probabilities: boolean): fc.Arbitrary<Bytes> =>
  fc.oneof({ weight: 1, arbitrary: fc.integer({ min: 0, max: 1 }) }, { weight: 8, arbitrary: fc.integer({ min: 2, max: 7 }) }).chain((n) =>
    fc
      .record({
        prompt: fc.option(textValue, { freq: 20, nil: null }),
        responses: fc.oneof({ weight: 60, arbitrary: fc.array(textValue, { minLength: n, maxLength: n }).map(arrayOf) }, { weight: 1, arbitrary: fc.constantFrom('"a"', '{}', 'null').map(utf8) }),
        scores: fc.oneof(
          { weight: 50, arbitrary: fc.array(scoreToken(probabilities), { minLength: n, maxLength: n }).map(arrayOf) },
          { weight: 1, arbitrary: fc.array(scoreToken(probabilities), { maxLength: 8 }).map(arrayOf) },
          { weight: 1, arbitrary: fc.constantFrom('"1,2"', '3', '[1,,2]', '[nul]').map(utf8) },
        ),
        logps: fc.option(fc.tuple(logps(n), logps(n), fc.boolean()), { freq: 2 }),
        extras,
        layout,
        dup: rarely(fc.constantFrom<[Bytes, Bytes]>([utf8(JSON.stringify(fields.scores.split('.')[0])), utf8('"dup"')], [utf8('"prompt"'), utf8('[1]')], [utf8('"x"'), utf8('1')]), 8, null),
      })
      .map((r) => {
        const m: [Bytes, Bytes][] = [];
        if (r.prompt !== null) m.push([utf8('"prompt"'), r.prompt]);
        m.push([utf8(JSON.stringify(fields.responses)), r.responses]);
        const path = fields.scores.split('.');
        m.push([utf8(JSON.stringify(path[0])), path.length > 1 ? object([[utf8(JSON.stringify(path[1])), r.scores]], false) : r.scores]);
        if (r.logps) {
          m.push([utf8('"policy_logps"'), r.logps[0]]);
          // Sometimes only the policy's: no implicit rewards for that record.
          if (r.logps[2] || r.logps[0].length % 3 !== 0) m.push([utf8('"reference_logps"'), r.logps[1]]);
        }
        m.push(...r.extras);
        return assemble(m, r.layout.order, r.dup, r.layout.spaced);
      }),
  );

/** A preference pair: explicit prompt, shared-prefix strings or messages without one, or an HH dialogue. */
export const pairRecord = (hh: boolean): fc.Arbitrary<Bytes> =>
  fc
    .record({
      kind: hh ? fc.constantFrom('hh', 'hh', 'hh', 'split-hh', 'prompt') : fc.constantFrom('prompt', 'prompt', 'prefix', 'messages', 'nothing-shared'),
      q: word,
      a: word,
      b: word,
      prompt: textValue,
      chosen: textValue,
      rejected: textValue,
      sc: fc.option(scoreToken(false), { freq: 6 }),
      sr: fc.option(scoreToken(false), { freq: 6 }),
      margins: fc.array(
        fc.oneof(
          fc.tuple(fc.constant('implicit_margin'), fc.oneof(scoreToken(false), fc.constant(utf8('"x"')))),
          fc.tuple(fc.constant('margin'), scoreToken(false)),
          fc.tuple(fc.constantFrom('policy_chosen_logps', 'policy_rejected_logps', 'reference_chosen_logps', 'reference_rejected_logps'), logpEntry),
          fc.tuple(fc.constant('prompt_index'), fc.constantFrom('3', '"p"', '1e309').map(utf8)),
          fc.tuple(fc.constantFrom('route', 'selected', 'p_external', 'weight', 'pair_id', 'goal', 'chosen_index'), fc.constantFrom('1', '"x"').map(utf8)),
        ),
        { maxLength: 4 },
      ),
      extras,
      layout,
      dupScore: rarely(fc.constant(true), 8, false),
    })
    .map((r) => {
      const m: [Bytes, Bytes][] = [];
      const s = (x: string): Bytes => utf8(JSON.stringify(x));
      switch (r.kind) {
        case 'prompt':
          m.push([utf8('"prompt"'), r.prompt], [utf8('"chosen"'), r.chosen], [utf8('"rejected"'), r.rejected]);
          break;
        case 'prefix':
          m.push([utf8('"chosen"'), s(`${r.q}Q: ${r.a}`)], [utf8('"rejected"'), s(`${r.q}Q: ${r.b}`)]);
          break;
        case 'messages': {
          const u = JSON.stringify({ role: 'user', content: r.q });
          m.push([utf8('"chosen"'), utf8(`[${u},${JSON.stringify({ role: 'assistant', content: r.a })}]`)], [utf8('"rejected"'), utf8(`[${u},${JSON.stringify({ role: 'assistant', content: r.b })}]`)]);
          break;
        }
        case 'nothing-shared':
          m.push([utf8('"chosen"'), s(`A${r.a}`)], [utf8('"rejected"'), s(`B${r.b}`)]);
          break;
        case 'hh':
          m.push([utf8('"chosen"'), s(`\n\nHuman: ${r.q}\n\nAssistant: ${r.a}`)], [utf8('"rejected"'), s(`\n\nHuman: ${r.q}\n\nAssistant: ${r.b}`)]);
          break;
        case 'split-hh':
          m.push([utf8('"chosen"'), s(`\n\nHuman: ${r.q}\n\nAssistant: ${r.a}`)], [utf8('"rejected"'), s(`\n\nHuman: x${r.q}`)]);
          break;
      }
      if (r.sc) m.push([utf8('"score_chosen"'), r.sc]);
      if (r.sr) m.push([utf8('"score_rejected"'), r.sr]);
      for (const [k, v] of r.margins) m.push([s(k), v]);
      m.push(...r.extras);
      return assemble(m, r.layout.order, r.dupScore && r.sc ? [utf8('"score_chosen"'), utf8('"dup"')] : null, r.layout.spaced);
    });

/** Lines that are not usable records. */
const junk = fc.constantFrom(
  '{"prompt": "p", "responses": ["a", "b"], "scores": [1, 2]',
  'not json',
  '[1, 2]',
  '"just a string"',
  '42',
  'null',
  '{}',
  '{"a":1}}',
  '{"scores": [nul]}',
  '[NaN]',
  '{,}',
  '{"a":1,}',
  `${'['.repeat(513)}${']'.repeat(513)}`,
  `{"x":${'['.repeat(512)}${']'.repeat(512)}}`,
  '\uFEFF{"prompt":"bom inside"}',
  '\u00a0',
);

// --- files -----------------------------------------------------------------------------------------------------------

export interface InputSpec {
  bytes: Bytes;
  framing: 'jsonl' | 'array';
  maxRecordBytes: number | undefined;
}

/** One line of a file: a record, a junk line or a blank line. */
const line = (record: fc.Arbitrary<Bytes>): fc.Arbitrary<{ kind: 'rec' | 'blank'; bytes: Bytes }> =>
  fc.oneof(
    { weight: 24, arbitrary: record.map((bytes) => ({ kind: 'rec' as const, bytes })) },
    { weight: 2, arbitrary: junk.map((s) => ({ kind: 'rec' as const, bytes: utf8(s) })) },
    { weight: 1, arbitrary: fc.constantFrom('', ' ', '\t', '\r', ' \t ').map((s) => ({ kind: 'blank' as const, bytes: utf8(s) })) },
  );

/** A whole input: JSON Lines (CRLF or LF, BOM, blank lines, a truncated last line) or a JSON array. */
export const inputOf = (record: fc.Arbitrary<Bytes>, o: { array?: boolean } = {}): fc.Arbitrary<InputSpec> =>
  fc
    .record({
      lines: fc.array(line(record), { maxLength: 14 }),
      crlf: fc.boolean(),
      bom: fc.boolean(),
      endNewline: fc.boolean(),
      truncate: rarely(fc.integer({ min: 1, max: 60 }), 4, null),
      array: o.array ? fc.boolean() : fc.constant(false),
      closeArray: fc.boolean(),
      maxRecordBytes: rarely(fc.constantFrom(300, 600, 1000), 3, undefined),
    })
    .map((f) => {
      const eol = f.crlf ? '\r\n' : '\n';
      if (f.array) {
        // Elements one per line: no raw newlines in them, nothing cut but (maybe) the array's end.
        const els = f.lines.filter((l) => l.kind === 'rec' && !l.bytes.includes(0x0a) && !l.bytes.includes(0x0d) && balanced(l.bytes)).map((l) => l.bytes);
        const body = els.map((e, i) => cat(e, utf8(i < els.length - 1 ? `,${eol}` : '')));
        const bytes = cat(f.bom ? Uint8Array.of(0xef, 0xbb, 0xbf) : new Uint8Array(0), utf8(`[${eol}`), ...body, utf8(f.closeArray || els.length === 0 ? `${eol}]${eol}` : ''));
        return { bytes, framing: 'array' as const, maxRecordBytes: f.maxRecordBytes };
      }
      const ls = f.lines.map((l) => l.bytes);
      if (f.truncate !== null && ls.length > 0) {
        const last = ls[ls.length - 1]!;
        ls[ls.length - 1] = last.subarray(0, Math.max(0, last.length - f.truncate));
      }
      const parts: Bytes[] = [];
      if (f.bom) parts.push(Uint8Array.of(0xef, 0xbb, 0xbf));
      ls.forEach((l, i) => {
        parts.push(l);
        if (i < ls.length - 1 || (f.endNewline && f.truncate === null)) parts.push(utf8(eol));
      });
      return { bytes: cat(...parts), framing: 'jsonl' as const, maxRecordBytes: f.maxRecordBytes };
    });

/** Whether brackets and quotes balance outside strings (an array element must not end the array early). */
function balanced(b: Bytes): boolean {
  let depth = 0;
  let str = false;
  let esc = false;
  for (const c of b) {
    if (str) {
      if (esc) esc = false;
      else if (c === 0x5c) esc = true;
      else if (c === 0x22) str = false;
      continue;
    }
    if (c === 0x22) str = true;
    else if (c === 0x5b || c === 0x7b) depth++;
    else if (c === 0x5d || c === 0x7d) {
      depth--;
      if (depth < 0) return false;
    }
  }
  return depth === 0 && !str;
}

/** Chunk sizes the input is fed in (undefined: one chunk). */
export const chunking = rarely(fc.integer({ min: 1, max: 97 }), 3, undefined);

// --- row inputs (loss, clean) ----------------------------------------------------------------------------------------

const dyadic = (lo: number, hi: number, d: number): fc.Arbitrary<Bytes> => fc.integer({ min: lo, max: hi }).map((k) => utf8(String(k / d)));
const hostileNumber = fc.constantFrom('NaN', 'Infinity', '-1e309', 'null', '"1"', 'true', '[]', '1.5e308', '-1.7976931348623157e308').map(utf8);
const sometimes = (good: fc.Arbitrary<Bytes>, bad: fc.Arbitrary<Bytes>): fc.Arbitrary<Bytes> => fc.oneof({ weight: 12, arbitrary: good }, { weight: 1, arbitrary: bad });

/** A `loss` row: the four log-probs (ours or TRL's names; sums or token lists), token counts, scores. */
export const lossRecord: fc.Arbitrary<Bytes> = fc
  .record({
    trl: fc.boolean(),
    logps: fc.array(
      sometimes(
        fc.oneof(dyadic(-40, 0, 4), fc.array(dyadic(-12, 0, 4), { maxLength: 4 }).map(arrayOf)),
        fc.oneof(hostileNumber, fc.constantFrom('[1,"x"]', '[NaN]', '[1e308,1e308]', '[1e308]').map(utf8)),
      ),
      { minLength: 4, maxLength: 4 },
    ),
    drop: rarely(fc.integer({ min: 0, max: 3 }), 12, -1),
    lengths: rarely(fc.tuple(sometimes(fc.integer({ min: 0, max: 9 }).map((k) => utf8(String(k))), fc.constantFrom('-1', '2.5', 'NaN', '"3"', 'null').map(utf8)), fc.option(fc.integer({ min: 0, max: 9 }).map((k) => utf8(String(k))))), 3, null),
    scores: fc.option(fc.tuple(sometimes(dyadic(-8, 8, 2), hostileNumber), fc.option(sometimes(dyadic(-8, 8, 2), hostileNumber), { freq: 10 })), { freq: 2 }),
    extras,
    layout,
  })
  .map((r) => {
    const names = r.trl ? ['chosen_logps', 'rejected_logps', 'ref_chosen_logps', 'ref_rejected_logps'] : ['policy_chosen_logps', 'policy_rejected_logps', 'reference_chosen_logps', 'reference_rejected_logps'];
    const m: [Bytes, Bytes][] = [];
    names.forEach((n, i) => i !== r.drop && m.push([utf8(JSON.stringify(n)), r.logps[i]!]));
    if (r.lengths) {
      m.push([utf8('"chosen_length"'), r.lengths[0]]);
      if (r.lengths[1]) m.push([utf8('"rejected_length"'), r.lengths[1]]);
    }
    if (r.scores) {
      m.push([utf8('"score_chosen"'), r.scores[0]]);
      if (r.scores[1]) m.push([utf8('"score_rejected"'), r.scores[1]]);
    }
    m.push(...r.extras);
    return assemble(m, r.layout.order, null, r.layout.spaced);
  });

const probability = sometimes(dyadic(0, 8, 8), fc.constantFrom('1.5', '-0.25', 'NaN', '"x"', 'Infinity').map(utf8));
/** A win count or total of a `[i, j, wins, total]` comparison (sometimes not a count). */
const tally = sometimes(fc.integer({ min: 0, max: 4 }).map((v) => utf8(String(v))), fc.constantFrom('1.5', '-1', 'NaN', '"2"', 'Infinity', '1e300').map(utf8));

/** A `clean` row: a preference matrix or comparisons, optional n, responses and scores. */
export const cleanRecord: fc.Arbitrary<Bytes> = fc.oneof({ weight: 1, arbitrary: fc.integer({ min: 0, max: 1 }) }, { weight: 5, arbitrary: fc.integer({ min: 2, max: 4 }) }).chain((n) =>
  fc
    .record({
      how: fc.constantFrom('matrix', 'matrix', 'matrix', 'comparisons', 'comparisons', 'counts', 'neither'),
      matrix: fc.array(
        sometimes(fc.array(fc.oneof(probability, fc.constant(utf8('null'))), { minLength: n, maxLength: n }).map(arrayOf), fc.constantFrom('0.5', '[0.5]', 'null').map(utf8)),
        { minLength: n, maxLength: n },
      ),
      comparisons: fc.array(sometimes(fc.tuple(fc.integer({ min: 0, max: n }), fc.integer({ min: 0, max: n }), probability).map(([i, j, p]) => cat(utf8(`[${i},${j},`), p, utf8(']'))), fc.constantFrom('[0,1]', '["0",1,0.5]', '[0,-1,0.5]', '5').map(utf8)), { maxLength: 5 }),
      counts: fc.array(
        sometimes(fc.tuple(fc.integer({ min: 0, max: n }), fc.integer({ min: 0, max: n }), tally, tally).map(([i, j, w, t]) => cat(utf8(`[${i},${j},`), w, utf8(','), t, utf8(']'))), fc.constantFrom('[0,1,0.5]', '[0,1,1,2,3]', '[7,1,0,1]').map(utf8)),
        { maxLength: 5 },
      ),
      nField: rarely(fc.constantFrom(String(n), '2', '-1', '1.5', '"3"').map(utf8), 4, null),
      responses: rarely(fc.integer({ min: Math.max(0, n - 1), max: n + 1 }).map((k) => arrayOf(Array.from({ length: k }, () => utf8('"r"')))), 3, null),
      scores: rarely(
        fc.oneof(
          { weight: 8, arbitrary: fc.array(sometimes(dyadic(-8, 8, 2), fc.constantFrom('null', 'NaN', 'Infinity', '"s"').map(utf8)), { minLength: n, maxLength: n }).map(arrayOf) },
          { weight: 1, arbitrary: fc.constantFrom('[1]', '"x"', 'null').map(utf8) },
        ),
        2,
        null,
      ),
      extras,
      layout,
    })
    .map((r) => {
      const m: [Bytes, Bytes][] = [];
      if (r.how === 'matrix') m.push([utf8('"preference_matrix"'), arrayOf(r.matrix)]);
      if (r.how === 'comparisons') m.push([utf8('"comparisons"'), arrayOf(r.comparisons)]);
      if (r.how === 'counts') m.push([utf8('"comparisons"'), arrayOf(r.counts)]);
      if (r.nField) m.push([utf8('"n"'), r.nField]);
      if (r.responses) m.push([utf8('"responses"'), r.responses]);
      if (r.scores) m.push([utf8('"scores"'), r.scores]);
      m.push(...r.extras);
      return assemble(m, r.layout.order, null, r.layout.spaced);
    }),
);
