// packScores: a chunk's scores in resident CSR buffers on every backend; excluded -> NaN; freed afterwards.
import { describe, expect, it } from 'vitest';
import { packScores } from '../../src/io/columns.js';
import { ALL_BACKENDS, engineFor } from '../helpers/engines.js';

describe.each(ALL_BACKENDS)('packScores (%s)', (backend) => {
  it('packs groups with offsets, NaN for null, mapped finite values, and frees everything', () => {
    const engine = engineFor(backend);
    const before = engine.memory().bytesInUse;
    const cols = packScores(engine, [[1, null, 3], [], [Infinity, 0.5]], (x) => x * 2);
    try {
      expect(cols.groups).toBe(3);
      expect(cols.n).toBe(5);
      expect(Array.from(cols.offsets.view())).toEqual([0, 3, 3, 5]);
      expect(Array.from(cols.values.view())).toEqual([2, NaN, 6, Infinity, 1]);
      expect(cols.values.ptr >= 0).toBe(backend !== 'js'); // in WASM memory except on js
    } finally {
      cols.free();
    }
    expect(engine.memory().bytesInUse).toBe(before);
  });
});
