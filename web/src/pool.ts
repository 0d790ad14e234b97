// The run's batch workers: the library's BatchPool (src/pipeline/tasks.ts) on Web Workers, each with its own
// engine (web/src/batch-worker.ts), as `--threads` gives the CLI worker threads. A batch's buffers are transferred,
// not copied; calls go to the worker with the fewest in flight.
import type { Backend } from '../../src/engine.js';
import { batchTransfer, reviveError, type BatchBytes, type BatchOutcome, type BatchPool, type PassSpec } from '../../src/pipeline/tasks.js';
import type { BatchReply } from './batch-worker.js';
import BatchWorker from './batch-worker.ts?worker&inline';

interface Slot {
  worker: Worker;
  busy: number;
}

export class WebBatchPool implements BatchPool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, { resolve: (v: BatchOutcome) => void; reject: (e: Error) => void; slot: Slot }>();
  private nextId = 1;
  private broken: Error | undefined;
  /** Batches the workers have processed. */
  done = 0;

  constructor(
    readonly size: number,
    backend: Backend,
  ) {
    for (let i = 0; i < size; i++) {
      const worker = new BatchWorker({ name: `pairsmith batches ${i + 1}` });
      const slot: Slot = { worker, busy: 0 };
      worker.onmessage = (e: MessageEvent<BatchReply>) => this.reply(e.data);
      worker.onerror = (e) => {
        e.preventDefault();
        this.fail(new Error(`pairsmith: a batch worker failed: ${e.message}`));
      };
      worker.postMessage({ backend });
      this.slots.push(slot);
    }
  }

  get busy(): number {
    return this.pending.size;
  }

  run(spec: PassSpec, batch: BatchBytes): Promise<BatchOutcome> {
    if (this.broken) return Promise.reject(this.broken);
    let slot = this.slots[0]!;
    for (const s of this.slots) if (s.busy < slot.busy) slot = s;
    slot.busy++;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, slot });
      slot.worker.postMessage({ id, spec, batch }, batchTransfer(batch));
    });
  }

  private reply(m: BatchReply): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    p.slot.busy--;
    if (m.ok) this.done++;
    if (m.ok) p.resolve(m.value as BatchOutcome);
    else p.reject(reviveError(m.error.name, m.error.message, m.error.stack));
  }

  private fail(e: Error): void {
    this.broken ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  async close(): Promise<void> {
    for (const s of this.slots) s.worker.terminate();
    this.slots.length = 0;
  }
}
