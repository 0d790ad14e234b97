// Group kernels on real judge scores: AlpacaEval, 161 prompts x 56 responses (../shared/data, never copied here).
// Every backend must equal the reference; the sweet-spot pick sits nearer mu - 2 sigma than the min does.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { groups as ref } from '../../src/reference/index.js';
import { parsePosition } from '../../src/kernels/positions.js';
import { ALL_BACKENDS, engineFor } from '../helpers/engines.js';
import { expectClose } from '../helpers/close.js';

const FILE = new URL('../../../shared/data/alpaca_eval_multi.jsonl', import.meta.url);
const present = existsSync(FILE);
if (!present) console.log(`skipping real-data group tests: ${FILE.pathname} is absent`);

function load(): { values: Float64Array; offsets: Int32Array } {
  const rows = readFileSync(FILE, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { scores: (number | null)[] });
  const offsets = new Int32Array(rows.length + 1);
  const values: number[] = [];
  rows.forEach((r, g) => {
    for (const s of r.scores) values.push(typeof s === 'number' ? s : NaN);
    offsets[g + 1] = values.length;
  });
  return { values: Float64Array.from(values), offsets };
}

describe.skipIf(!present)('group kernels on AlpacaEval judge scores', () => {
  const data = present ? load() : { values: new Float64Array(), offsets: new Int32Array(1) };
  const positions = ['max', 'mu+2sigma', 'mu+sigma', 'mu', 'mu-sigma', 'mu-2sigma', 'min'];
  const want = ref.groupStats(data.values, data.offsets);
  const wantPicks = ref.pickPositions(data.values, data.offsets, want, positions.map((p) => parsePosition(p)));

  it('has the documented shape (161 prompts x 56 responses)', () => {
    expect(data.offsets.length - 1).toBe(161);
    expect(data.values.length).toBe(161 * 56);
  });

  it.each(ALL_BACKENDS)('%s: stats and picks equal the reference', (backend) => {
    const engine = engineFor(backend);
    const st = engine.groupStats(data.values, data.offsets);
    expect(Array.from(st.count)).toEqual(Array.from(want.count));
    expect(Array.from(st.argmax)).toEqual(Array.from(want.argmax));
    for (let g = 0; g < 161; g++) {
      expectClose(st.mean[g]!, want.mean[g]!, { rtol: 1e-13, scale: 1 });
      expectClose(st.std[g]!, want.std[g]!, { rtol: 1e-12, scale: 1 });
    }
    expect(Array.from(engine.pickPositions(data.values, data.offsets, want, positions))).toEqual(Array.from(wantPicks));
  });

  it('the mu - 2 sigma pick is never farther from its target than the min is', () => {
    const P = positions.length;
    for (let g = 0; g < 161; g++) {
      if (!(want.std[g]! > 0)) continue;
      const t = want.mean[g]! - 2 * want.std[g]!;
      const sweet = data.values[data.offsets[g]! + wantPicks[g * P + 5]!]!;
      expect(Math.abs(sweet - t)).toBeLessThanOrEqual(Math.abs(want.min[g]! - t));
      expect(sweet).toBeGreaterThanOrEqual(want.min[g]!);
    }
  });
});
