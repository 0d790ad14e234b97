// Streaming: an input far larger than the chunk size is read in chunks of at most chunkSize records, and
// the JS heap (plus array buffers) stays bounded well below the input size.
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pipelineEngine } from '../../src/cli/engine-port.js';
import { fileInput } from '../../src/io/node/source.js';
import { createEngineSync } from '../../src/node.js';
import { readRecords } from '../../src/pipeline/records.js';
import { liveBytes } from '../helpers/memory.js';

const dir = mkdtempSync(join(tmpdir(), 'pairsmith-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RECORDS = 40_000;
const PAD = 'x'.repeat(180);

async function generate(path: string): Promise<void> {
  const ws = createWriteStream(path);
  for (let i = 0; i < RECORDS; i += 1000) {
    let s = '';
    for (let j = i; j < i + 1000; j++) {
      const responses = Array.from({ length: 6 }, (_, k) => `${PAD}${j}-${k}`);
      const scores = Array.from({ length: 6 }, (_, k) => ((j * 7 + k * 13) % 100) / 100);
      s += `${JSON.stringify({ id: j, prompt: `prompt ${j} ${PAD}`, responses, scores })}\n`;
    }
    if (!ws.write(s)) await once(ws, 'drain');
  }
  ws.end();
  await once(ws, 'close');
}


describe('streaming', () => {
  it('reads an input far larger than its chunk size in chunks, memory bounded', async () => {
    const path = join(dir, 'big.jsonl');
    await generate(path);
    const size = statSync(path).size;
    expect(size).toBeGreaterThan(50e6);
    const engine = pipelineEngine(createEngineSync());
    const base = liveBytes();
    let peak = 0;
    let n = 0;
    let maxChunk = 0;
    let lastIndex = -1;
    let chunks = 0;
    let tally;
    for await (const c of readRecords(engine, fileInput(path), { format: 'auto' })) {
      tally = c.job.tally;
      maxChunk = Math.max(maxChunk, c.records.length + c.rejects.length);
      for (const r of c.records) {
        expect(r.index).toBe(lastIndex + 1);
        lastIndex = r.index;
      }
      n += c.records.length;
      if (++chunks % 10 === 0) peak = Math.max(peak, liveBytes() - base);
    }
    expect(n).toBe(RECORDS);
    expect(tally!.recordsRead).toBe(RECORDS);
    // A batch holds about 1 MiB of records (the framer hands them out past 1 MiB, reading 1 MiB at a time).
    expect(maxChunk * (size / RECORDS)).toBeLessThan(2.5 * 2 ** 20);
    // Live memory after gc while a batch is held: about 1 MiB of bytes and its index, the batch's records as
    // objects, read buffers; holding the input would take > 50 MB of text alone.
    expect(peak).toBeLessThan(24 * 1024 * 1024);
    expect(chunks).toBeGreaterThan(size / (3 * 2 ** 20));
  });
});
