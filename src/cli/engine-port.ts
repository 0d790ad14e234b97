// The engine as the pipeline's port: the group kernels, implicit rewards, the record indexer and engine memory.
import type { Engine } from '../engine.js';
import { runEngineOf, type RunEngine } from '../pipeline/tasks.js';

export function pipelineEngine(engine: Engine): RunEngine {
  return runEngineOf(engine);
}
