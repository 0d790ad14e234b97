// RecordBatch.keyText finds a key seen before by its bytes: every key reads as JSON.parse reads it, whether it is
// new, cached, escaped (same text, other bytes), non-ASCII, long, or sharing a cache slot with another key.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pipelineEngine } from '../../src/cli/engine-port.js';
import { readBatches } from '../../src/io/reader.js';
import { createEngineSync } from '../../src/node.js';

const engine = pipelineEngine(createEngineSync());

async function keysOf(lines: string[]): Promise<string[][]> {
  const bytes = new TextEncoder().encode(lines.join('\n'));
  async function* source() {
    yield bytes;
  }
  const out: string[][] = [];
  for await (const b of readBatches(source(), engine, { file: 't', batchRecords: 3 })) {
    const ix = b.index;
    for (let r = 0; r < b.n; r++) {
      const keys: string[] = [];
      for (let m = ix.memberOff[r]!; m < ix.memberOff[r + 1]!; m++) keys.push(b.keyText(m));
      out.push(keys);
    }
  }
  return out;
}

describe('keyText', () => {
  it('reads escaped, non-ASCII, long and repeated keys as JSON.parse does', async () => {
    const lines = [
      '{"a":1,"\\u0061":2,"prompt":3,"\\"q\\"":4}',
      '{"a":1,"\\u0061":2,"prompt":3,"\\"q\\"":4}',
      `{"é":1,"\\u00e9":2,"${'k'.repeat(70)}":3}`,
      // aXb and aYb share a cache slot (same length and end bytes): each must still read as itself.
      '{"ab":1,"aXb":2,"aYb":3,"__proto__":4}',
      '{"aYb":1,"aXb":2,"ab":3,"__proto__":4}',
    ];
    const got = await keysOf(lines);
    // JSON.parse keeps only one of two equal keys, so the expected keys come from a tokenizer of the raw text.
    const want = lines.map((l) => [...l.matchAll(/"((?:[^"\\]|\\.)*)":/g)].map((m) => JSON.parse(`"${m[1]}"`) as string));
    expect(got).toEqual(want);
  });

  it('matches JSON.parse on random keys, each seen several times', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ maxLength: 80, unit: 'binary' }), { minLength: 1, maxLength: 12 }), async (keys) => {
        const line = `{${keys.map((k, i) => `${JSON.stringify(k)}:${i}`).join(',')}}`;
        const got = await keysOf([line, line, line]);
        for (const g of got) expect(g).toEqual(keys.map((k) => JSON.parse(JSON.stringify(k)) as string));
      }),
      { numRuns: 300 },
    );
  });
});
