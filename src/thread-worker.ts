// The script of a worker thread (src/threads.ts): an engine of the main engine's backend, answering batch calls.
import type { ThreadData } from './threads.js';
import { serveCalls } from './io/node/pool.js';
import { createEngineSync } from './node.js';
import { STAGES } from './pipeline/stages.js';
import { batchWorker, runEngineOf, type BatchBytes, type PassSpec } from './pipeline/tasks.js';

serveCalls<ThreadData>((data) => {
  const engine = createEngineSync({ backend: data.backend, warn: false, ...(data.maxMemoryBytes ? { maxMemoryBytes: data.maxMemoryBytes } : {}) });
  const work = batchWorker(runEngineOf(engine), STAGES);
  return (spec, batch) => work(spec as PassSpec, batch as BatchBytes);
});
