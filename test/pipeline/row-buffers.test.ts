// Row bytes travel in reused buffers: a batch's rows are copied into a buffer of the thread's pool, and the buffer
// comes back once the rows are written, so a long run reuses a few buffers (bounded memory) and rows already handed to
// a sink are never overwritten.
import { describe, expect, it } from 'vitest';
import { columnOf } from '../../src/io/encode.js';
import { BatchRowBuilder, RowEmitter, type RowSink } from '../../src/pipeline/emit.js';
import { BatchBuffers, rowBuffers } from '../../src/pipeline/tasks.js';

function rowsOf(rb: BatchRowBuilder, from: number, n: number) {
  for (let i = from; i < from + n; i++) {
    rb.builder.begin();
    rb.builder.key(columnOf('i'));
    rb.builder.int(i);
    rb.builder.key(columnOf('s'));
    rb.builder.str('x'.repeat(i % 50));
    rb.builder.end();
    rb.row();
  }
  return rb.take();
}

describe('row buffers', () => {
  it('a written batch gives its buffer back, and the next batch reuses it; the sink saw every row intact', async () => {
    const seen: string[] = [];
    const buffers = new Set<ArrayBufferLike>();
    const sink: RowSink = { kind: 'jsonl', writeBytes: (b) => void seen.push(new TextDecoder().decode(b)) };
    const emitter = new RowEmitter(sink);
    const rb = new BatchRowBuilder('jsonl');
    // Batches of about 40 KB (a pool reuses a buffer for a batch of at least a quarter of its size).
    for (let k = 0; k < 50; k++) {
      const rows = rowsOf(rb, k * 1000, 1000);
      buffers.add(rows.bytes!.buffer);
      await emitter.write(rows);
    }
    // One buffer served all 50 batches (nothing else took from this thread's pool meanwhile).
    expect(buffers.size).toBe(1);
    const lines = seen.join('').split('\n').filter(Boolean);
    expect(lines.length).toBe(50000);
    lines.forEach((l, i) => expect(JSON.parse(l)).toEqual({ i, s: 'x'.repeat(i % 50) }));
  });

  it('batches not yet written hold their own buffers (queued batches are never overwritten)', async () => {
    const rb = new BatchRowBuilder('jsonl');
    const held = [rowsOf(rb, 0, 10), rowsOf(rb, 10, 10), rowsOf(rb, 20, 10)];
    expect(new Set(held.map((r) => r.bytes!.buffer)).size).toBe(3);
    const seen: string[] = [];
    const emitter = new RowEmitter({ kind: 'jsonl', writeBytes: (b) => void seen.push(new TextDecoder().decode(b)) });
    for (const r of held) await emitter.write(r);
    expect(seen.join('').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { i: number }).i)).toEqual([...Array(30).keys()]);
  });

  it('a pool keeps at most its limit of spare buffers, and take() hands one out for a worker', () => {
    const pool = new BatchBuffers(2);
    const bufs = [new ArrayBuffer(8), new ArrayBuffer(8), new ArrayBuffer(8)];
    for (const b of bufs) pool.give(b);
    pool.give(bufs[0]); // given twice: kept once
    expect([pool.take(), pool.take(), pool.take()]).toEqual([bufs[1], bufs[0], undefined]);
    expect(pool.copy(new Uint8Array(0)).length).toBe(0);
    expect(Array.from(rowBuffers.copy(new Uint8Array([1, 2, 3])))).toEqual([1, 2, 3]);
  });
});
