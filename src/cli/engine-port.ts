// The engine as the pipeline's port: the group kernels, implicit rewards, the record indexer and engine memory.
import type { Engine } from '../engine.js';
import { groupEngineOf } from '../pipeline/group-engine.js';
import type { RunEngine } from '../pipeline/run-pairs.js';

export function pipelineEngine(engine: Engine): RunEngine {
  return {
    ...groupEngineOf(engine),
    alloc: engine.alloc.bind(engine) as RunEngine['alloc'],
    indexRecords: engine.indexRecords.bind(engine),
  };
}
