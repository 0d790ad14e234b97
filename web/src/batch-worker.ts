// A batch worker of the page's run (web/src/pool.ts): its own engine, answering batch calls with the library's
// batch processor over the pipeline's stages, as a worker thread of the CLI does (src/thread-worker.ts).
import { createEngine } from '../../src/embedded.js';
import { STAGES } from '../../src/pipeline/stages.js';
import { batchWorker, runEngineOf, type BatchBytes, type PassSpec } from '../../src/pipeline/tasks.js';
import type { Backend } from '../../src/engine.js';
import { installFdlibm } from './fdlibm.js';

installFdlibm();

export interface BatchCall {
  id: number;
  spec: PassSpec;
  batch: BatchBytes;
}

export type BatchReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: { name: string; message: string; stack?: string } };

interface Scope {
  postMessage(m: BatchReply, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<{ backend: Backend } | BatchCall>) => void) | null;
}
const scope = self as unknown as Scope;

let work: Promise<ReturnType<typeof batchWorker>> | undefined;

scope.onmessage = (e) => {
  const m = e.data;
  if ('backend' in m) {
    // The first message: the backend of the run's engine.
    work = createEngine({ backend: m.backend, warn: false }).then((engine) => batchWorker(runEngineOf(engine), STAGES));
    return;
  }
  void work!.then(
    (run) => {
      try {
        const { value, transfer } = run(m.spec, m.batch);
        scope.postMessage({ id: m.id, ok: true, value }, transfer);
      } catch (err) {
        const x = err instanceof Error ? err : new Error(String(err));
        scope.postMessage({ id: m.id, ok: false, error: { name: x.name, message: x.message, ...(x.stack ? { stack: x.stack } : {}) } });
      }
    },
    (err) => scope.postMessage({ id: m.id, ok: false, error: { name: 'Error', message: `no engine in a batch worker: ${String((err as Error).message ?? err)}` } }),
  );
};
