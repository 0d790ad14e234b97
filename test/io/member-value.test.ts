// RecordBatch.memberValue / elemValue: a member's or element's value as a number. A number token reads as JSON.parse
// reads it (exactly, however long or extreme), the NaN / Infinity / -Infinity literals as those values, and every
// other value (string, null, bool, array, object) as NaN. The expected value comes from the generated text alone.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pipelineEngine } from '../../src/cli/engine-port.js';
import { readBatches } from '../../src/io/reader.js';
import { RecordBatch } from '../../src/io/records.js';
import { createEngineSync } from '../../src/node.js';

const engine = pipelineEngine(createEngineSync());

/** A JSON(-ish) value's text and the number it must read as. */
type Case = { text: string; want: number; numeric: boolean };

const numberCase: fc.Arbitrary<Case> = fc
  .oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => JSON.stringify(x)),
    fc.integer().map(String),
    fc.constantFrom('0', '-0', '1e400', '-1e400', '4.9e-324', '2e-324', '1.7976931348623157e308', '0.1000000000000000055511151231257827', '123456789012345678901234567890', '1E+2', '-0.0e-5'),
  )
  .map((text) => ({ text, want: JSON.parse(text) as number, numeric: true }));

const literalCase: fc.Arbitrary<Case> = fc.constantFrom(
  { text: 'NaN', want: Number.NaN, numeric: true },
  { text: 'Infinity', want: Infinity, numeric: true },
  { text: '-Infinity', want: -Infinity, numeric: true },
);

const otherCase: fc.Arbitrary<Case> = fc
  .constantFrom('"1"', '"NaN"', 'null', 'true', 'false', '[]', '[1]', '{}', '{"a":1}', '""')
  .map((text) => ({ text, want: Number.NaN, numeric: false }));

const anyCase = fc.oneof(numberCase, literalCase, otherCase);

async function batchOf(line: string): Promise<RecordBatch> {
  const bytes = new TextEncoder().encode(line);
  async function* source() {
    yield bytes;
  }
  for await (const b of readBatches(source(), engine, { file: 't' })) return b;
  throw new Error('no batch');
}

describe('RecordBatch.memberValue / elemValue', () => {
  it('reads numbers as JSON.parse does, NaN/Infinity literals as their values, anything else as NaN', async () => {
    await fc.assert(
      fc.asyncProperty(anyCase, fc.array(anyCase, { maxLength: 6 }), async (member, elems) => {
        const b = await batchOf(`{"x":${member.text},"xs":[${elems.map((e) => e.text).join(',')}]}`);
        const ix = b.index;
        const m = ix.memberOff[0]!;
        expect(Object.is(b.memberValue(m), member.want)).toBe(true);
        expect(RecordBatch.isNumeric(ix.valKind[m]!)).toBe(member.numeric);
        const a = m + 1;
        const k0 = ix.elemOff[a]!;
        expect(ix.elemOff[a + 1]! - k0).toBe(elems.length);
        elems.forEach((e, i) => {
          expect(Object.is(b.elemValue(k0 + i), e.want), `${e.text} -> ${b.elemValue(k0 + i)}`).toBe(true);
          expect(RecordBatch.isNumeric(ix.elemKind[k0 + i]!)).toBe(e.numeric);
        });
      }),
      { numRuns: 500 },
    );
  });
});
