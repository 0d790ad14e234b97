// A pool of worker_threads that answer calls: the main thread sends a context (once per worker, e.g. a pass's plan)
// and a payload (e.g. a batch of records, its buffers transferred, not copied); a worker replies with a value (its
// buffers transferred back) or an error. What a call does is the worker script's business (serveCalls below);
// the pool knows nothing of the pipeline. Calls go to the worker with the fewest calls in flight.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { keepHeapFlags } from './heap.js';

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: { name: string; message: string; stack?: string } };

interface Slot {
  worker: Worker;
  busy: number;
  /** Contexts this worker holds (by id). */
  known: Set<number>;
}

export interface WorkerPoolOptions {
  /** The worker script (a file URL or path of an ES module that calls serveCalls). */
  script: URL | string;
  size: number;
  /** Data every worker starts with (worker_threads' workerData). */
  data?: unknown;
}

/** An error a worker threw, with its name and stack. */
export class WorkerCallError extends Error {
  constructor(name: string, message: string, stack?: string) {
    super(message);
    this.name = name;
    if (stack) this.stack = stack;
  }
}

export class WorkerPool {
  readonly size: number;
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; slot: Slot }>();
  private readonly contexts = new WeakMap<object, number>();
  private nextId = 1;
  private nextContext = 1;
  private broken: Error | undefined;
  private closed = false;

  constructor(o: WorkerPoolOptions) {
    this.size = Math.max(1, Math.floor(o.size));
    for (let i = 0; i < this.size; i++) {
      // A small young generation (1 MiB semi-spaces): V8 would grow each worker's to 3 x 16 MiB over a long run, 50 MB
      // of RSS per worker for rows built as objects, at no measured speed (the main thread's: ./heap.ts).
      const worker = new Worker(o.script, { workerData: o.data, resourceLimits: { maxYoungGenerationSizeMb: 3 } });
      const slot: Slot = { worker, busy: 0, known: new Set() };
      worker.on('message', (m: Reply) => this.reply(m));
      worker.on('error', (e) => this.fail(e instanceof Error ? e : new Error(String(e))));
      worker.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`pairsmith: a worker thread exited (code ${code})`));
      });
      // Idle workers do not keep the process alive.
      worker.unref();
      // Starting a worker resets V8's flags: the young-generation flag is set again once it runs.
      worker.once('online', keepHeapFlags);
      this.slots.push(slot);
    }
  }

  /** Calls in flight. */
  get busy(): number {
    return this.pending.size;
  }

  /**
   * Calls a worker with `payload` under `context` (sent to each worker once; contexts are told apart by identity).
   * Buffers in `transfer` move to the worker.
   */
  call(context: object, payload: unknown, transfer: readonly ArrayBuffer[] = []): Promise<unknown> {
    if (this.broken) return Promise.reject(this.broken);
    if (this.closed) return Promise.reject(new Error('pairsmith: the worker pool is closed'));
    let ctxId = this.contexts.get(context);
    if (ctxId === undefined) {
      ctxId = this.nextContext++;
      this.contexts.set(context, ctxId);
    }
    let slot = this.slots[0]!;
    for (const s of this.slots) if (s.busy < slot.busy) slot = s;
    const id = this.nextId++;
    const first = !slot.known.has(ctxId);
    if (first) slot.known.add(ctxId);
    if (slot.busy++ === 0) slot.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, slot });
      slot.worker.postMessage({ id, ctxId, ctx: first ? context : undefined, payload }, transfer as ArrayBuffer[]);
    });
  }

  private reply(m: Reply): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (--p.slot.busy === 0) p.slot.worker.unref();
    if (m.ok) p.resolve(m.value);
    else p.reject(new WorkerCallError(m.error.name, m.error.message, m.error.stack));
  }

  private fail(e: Error): void {
    this.broken ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

/** What a worker does with a call: its value, and the buffers of the value to transfer back. */
export type CallHandler<D> = (data: D) => (context: unknown, payload: unknown) => { value: unknown; transfer?: ArrayBuffer[] };

/** Runs in a worker script: answers the pool's calls with `handler` (made once, from the pool's data). */
export function serveCalls<D>(handler: CallHandler<D>): void {
  if (isMainThread || !parentPort) throw new Error('pairsmith: serveCalls runs in a worker thread');
  const port = parentPort;
  const handle = handler(workerData as D);
  const contexts = new Map<number, unknown>();
  port.on('message', (m: { id: number; ctxId: number; ctx?: unknown; payload: unknown }) => {
    if (m.ctx !== undefined) {
      contexts.set(m.ctxId, m.ctx);
      // Contexts of finished passes are not needed again (ids only grow).
      for (const k of contexts.keys()) if (contexts.size > 8 && k < m.ctxId) contexts.delete(k);
    }
    try {
      const { value, transfer } = handle(contexts.get(m.ctxId), m.payload);
      port.postMessage({ id: m.id, ok: true, value } satisfies Reply, transfer ?? []);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      port.postMessage({ id: m.id, ok: false, error: { name: err.name, message: err.message, stack: err.stack } } satisfies Reply);
    }
  });
}
