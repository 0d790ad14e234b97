// The flag rate, precision and recall of `pairsmith clean` (README "Robust PCA") over many seeds: win-count judgments
// (bench/gen-preferences.ts, K judges per pair) at observed fractions 0.3-1 with 0%, 10% and 20% of the judged pairs
// corrupted (counts swapped), cleaned with the defaults (IALM, lambda 1/sqrt(p n), --flag-threshold 3).
// Run: npx tsc -p bench/tsconfig.json && node build/ts/bench/clean-flags.js [seeds] [n] [K] [method]
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createEngineSync } from '../src/engine.js';
import { buildPreferenceMatrix, cleanPreferences } from '../src/rpca/preferences.js';
import { flagStats, judgedPrompt } from './gen-preferences.js';

const seeds = Number(process.argv[2] ?? 100);
const n = Number(process.argv[3] ?? 32);
const K = Number(process.argv[4] ?? 10);
const method = (process.argv[5] ?? 'ialm') as 'ialm' | 'altproj';
const engine = createEngineSync({ backend: 'wasm-simd', bytes: readFileSync(resolve('build', 'simd.wasm')) });
console.log(`n = ${n}, K = ${K}, ${seeds} seeds, ${method}`);
console.log('| observed | corrupted | flagged / judged | max per prompt | precision | recall |');
console.log('|---:|---:|---:|---:|---:|---:|');
for (const observed of [0.3, 0.5, 0.8, 1]) {
  for (const corrupted of [0, 0.1, 0.2]) {
    let judged = 0, flagged = 0, hits = 0, truth = 0, worst = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const p = judgedPrompt(n, observed, K, corrupted, 1000 * seed + Math.round(100 * observed) + Math.round(1000 * corrupted));
      const m = buildPreferenceMatrix({ comparisons: p.comparisons, n });
      const [res] = cleanPreferences(engine, [m], { method, minCandidates: 2 });
      const s = flagStats(p, res!.corrupted);
      judged += s.judged; flagged += s.flagged; hits += s.hits; truth += s.truth;
      worst = Math.max(worst, s.flagged / Math.max(s.judged, 1));
    }
    const prec = flagged && truth ? (hits / flagged).toFixed(2) : '-';
    const rec = truth ? (hits / truth).toFixed(2) : '-';
    console.log(`| ${observed} | ${corrupted} | ${(flagged / judged).toFixed(3)} | ${worst.toFixed(3)} | ${prec} | ${rec} |`);
  }
}
