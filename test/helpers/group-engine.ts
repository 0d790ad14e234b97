// The pipeline's GroupEngine port on a real engine (every backend).
import type { Backend } from '../../src/engine.js';
import { groupEngineOf, type GroupEngine } from '../../src/pipeline/group-engine.js';
import { engineFor } from './engines.js';

export function groupEngineFor(backend: Backend): GroupEngine {
  return groupEngineOf(engineFor(backend));
}
