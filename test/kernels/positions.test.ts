// parsePosition / formatPosition: the position grammar the pairs command and pickPositions share.
import { describe, expect, it } from 'vitest';
import { formatPosition, parsePosition } from '../../src/kernels/positions.js';

describe('parsePosition', () => {
  it('parses max, min and mu + k sigma spellings', () => {
    expect(parsePosition('max')).toEqual({ kind: 'max' });
    expect(parsePosition('MIN')).toEqual({ kind: 'min' });
    expect(parsePosition('mu')).toEqual({ kind: 'sigma', k: 0 });
    expect(parsePosition('mu+sigma')).toEqual({ kind: 'sigma', k: 1 });
    expect(parsePosition('mu-sigma')).toEqual({ kind: 'sigma', k: -1 });
    expect(parsePosition('mu-2sigma')).toEqual({ kind: 'sigma', k: -2 });
    expect(parsePosition('mu+2sigma')).toEqual({ kind: 'sigma', k: 2 });
    expect(parsePosition('mu+1.5sigma')).toEqual({ kind: 'sigma', k: 1.5 });
    expect(parsePosition('mu - 2 * sigma')).toEqual({ kind: 'sigma', k: -2 });
    expect(parsePosition('mu+0.5σ')).toEqual({ kind: 'sigma', k: 0.5 });
    expect(parsePosition('mu-1000sigma')).toEqual({ kind: 'sigma', k: -1000 });
    expect(parsePosition({ k: -2.5 })).toEqual({ kind: 'sigma', k: -2.5 });
    expect(parsePosition({ kind: 'max' })).toEqual({ kind: 'max' });
  });

  it('rejects anything else with the input in the message', () => {
    for (const bad of ['', 'maximum', 'mu-', 'mu-2', 'mu*2sigma', 'sigma', 'mu-2sigmas', 'mu+-2sigma']) {
      expect(() => parsePosition(bad), bad).toThrow(RangeError);
    }
    expect(() => parsePosition('mu-x')).toThrow(/position 'mu-x'/);
    expect(() => parsePosition({ k: NaN })).toThrow(RangeError);
    expect(() => parsePosition({ k: Infinity })).toThrow(RangeError);
    expect(() => parsePosition(3 as unknown as string)).toThrow(TypeError);
  });

  it('formats canonical labels that parse back to the same position', () => {
    for (const s of ['max', 'min', 'mu', 'mu+sigma', 'mu-sigma', 'mu-2sigma', 'mu+1.5sigma']) {
      expect(formatPosition(s)).toBe(s);
      expect(parsePosition(formatPosition(s))).toEqual(parsePosition(s));
    }
    expect(formatPosition({ k: -2 })).toBe('mu-2sigma');
    expect(formatPosition('mu - 2*sigma')).toBe('mu-2sigma');
  });
});
