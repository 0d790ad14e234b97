// Node worker threads for the library and the CLI: a BatchPool whose workers (src/thread-worker.ts) each run an
// engine of the main engine's backend and process the batches of a pass (src/pipeline/tasks.ts). Node only.
import { availableParallelism } from 'node:os';
import { WorkerCallError, WorkerPool } from './io/node/pool.js';
import type { Backend } from './engine.js';
import { batchTransfer, reviveError, type BatchBytes, type BatchOutcome, type BatchPool, type PassSpec } from './pipeline/tasks.js';

/** What each worker thread starts with. */
export interface ThreadData {
  backend: Backend;
  maxMemoryBytes?: number;
}

/** The worker script: beside this module in dist/ (from the sources under test, the built one in dist/). */
function workerScript(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL('../dist/thread-worker.js', here) : new URL('./thread-worker.js', here);
}

/** The number of threads `--threads` defaults to: the cores this process may use. */
export function defaultThreads(): number {
  return availableParallelism();
}

/** A pool of `size` worker threads running batches on engines of `data.backend`. Close it when done. */
export class ThreadPool implements BatchPool {
  private readonly pool: WorkerPool;

  constructor(
    readonly size: number,
    data: ThreadData,
  ) {
    this.pool = new WorkerPool({ script: workerScript(), size, data });
  }

  get busy(): number {
    return this.pool.busy;
  }

  async run(spec: PassSpec, batch: BatchBytes): Promise<BatchOutcome> {
    try {
      return (await this.pool.call(spec, batch, batchTransfer(batch))) as BatchOutcome;
    } catch (e) {
      if (e instanceof WorkerCallError) throw reviveError(e.name, e.message, e.stack);
      throw e;
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
