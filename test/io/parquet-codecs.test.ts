// Parquet files as other tools write them: gzip- and snappy-compressed pages read the same as uncompressed ones.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import type { InputRecord } from '../../src/pipeline/records.js';
import { readAll as readFile } from '../helpers/read.js';

const prompts = ['p0', 'p1', 'p2'];
const responses = [
  ['a', 'b', 'c'],
  ['d', 'e'],
  ['f', 'g', 'h', 'i'],
];
const scores = [
  [0.5, 0.25, 1],
  [2, -1],
  [0, 3, 1, 2],
];

function write(codec: 'UNCOMPRESSED' | 'SNAPPY' | 'GZIP'): string {
  const buf = parquetWriteBuffer({
    codec,
    compressors: { GZIP: (b: Uint8Array) => new Uint8Array(gzipSync(b)) },
    columnData: [
      { name: 'prompt', data: prompts, type: 'STRING' },
      { name: 'all_generated_responses', data: responses },
      { name: 'all_rm_scores', data: scores },
    ],
  } as Parameters<typeof parquetWriteBuffer>[0]);
  const path = join(mkdtempSync(join(tmpdir(), 'pairsmith-pq-')), `${codec}.parquet`);
  writeFileSync(path, new Uint8Array(buf));
  return path;
}

async function readAll(path: string): Promise<InputRecord[]> {
  return (await readFile(path)).records;
}

describe('Parquet codecs', () => {
  for (const codec of ['UNCOMPRESSED', 'SNAPPY', 'GZIP'] as const) {
    it(`reads ${codec} pages as on-policy candidate records`, async () => {
      const recs = await readAll(write(codec));
      expect(recs).toHaveLength(3);
      recs.forEach((r, i) => {
        expect(r.kind).toBe('candidates');
        if (r.kind !== 'candidates') return;
        expect(r.prompt).toBe(prompts[i]);
        expect(r.responses).toEqual(responses[i]);
        expect(r.scores).toEqual(scores[i]);
      });
    });
  }
});
