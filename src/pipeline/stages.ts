// Every stage a worker can run, by name: what a worker script (src/thread-worker.ts, a Web Worker) loads.
import { pairsStage } from './run-pairs.js';
import { selectStage } from './run-select.js';
import { statsStage } from './run-stats.js';
import { convertStage } from './run-convert.js';
import { augmentStage } from './run-augment.js';
import type { Stage, StageRegistry } from './tasks.js';

const ALL: readonly Stage<any, any>[] = [pairsStage, selectStage, statsStage, convertStage, augmentStage]; // eslint-disable-line @typescript-eslint/no-explicit-any

export const STAGES: StageRegistry = Object.fromEntries(ALL.map((s) => [s.name, s]));
