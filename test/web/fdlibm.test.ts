// The worker's log, log1p and exp (fdlibm, web/src/fdlibm.ts) against Node 20's Math.log, Math.log1p and Math.exp
// (V8's C++ port of the same library): equal to the last bit, so the page's numbers are the CLI's.
import { describe, expect, it } from 'vitest';
import { exp, log, log1p } from '../../web/src/fdlibm.js';

function inputs(): number[] {
  let s = 987654321;
  const r = (): number => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s / 2 ** 32;
  };
  const f64 = new Float64Array(1);
  const u = new Uint32Array(f64.buffer);
  const xs = [0, -0, 1, -1, 2, 0.5, 1e-300, 5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, -1e-310, Infinity, -Infinity, NaN, 1e-7, 0.9999999, 1.0000001, 709.78, 709.8, -745.1, -745.2, 2 ** -29, 2 ** -54, 1e16];
  for (let i = 0; i < 100_000; i++) xs.push((r() + 0.001) * 2 ** (Math.floor(r() * 60) - 30) * (r() < 0.3 ? -1 : 1));
  for (let i = 0; i < 50_000; i++) {
    u[0] = (r() * 2 ** 32) >>> 0;
    u[1] = (r() * 2 ** 32) >>> 0;
    xs.push(f64[0]!);
  }
  for (let i = 0; i < 50_000; i++) xs.push((r() - 0.5) * 1500, r(), -r());
  return xs;
}

describe('fdlibm log, log1p, exp', () => {
  it.runIf(process.versions.node.startsWith('20.'))('equal Node 20 (V8) bit for bit', () => {
    const bad: string[] = [];
    for (const x of inputs()) {
      for (const [name, mine, v8] of [['log', log, Math.log], ['log1p', log1p, Math.log1p], ['exp', exp, Math.exp]] as const) {
        if (!Object.is(mine(x), v8(x)) && bad.length < 5) bad.push(`${name}(${x}) = ${mine(x)}, V8 ${v8(x)}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('special values', () => {
    expect([log(0), log(-1), log(1), log(Infinity)]).toEqual([-Infinity, NaN, 0, Infinity]);
    expect([log1p(-1), log1p(-2), log1p(0), Object.is(log1p(-0), -0)]).toEqual([-Infinity, NaN, 0, true]);
    expect([exp(-Infinity), exp(Infinity), exp(0), exp(1000), exp(-1000)]).toEqual([0, Infinity, 1, Infinity, 0]);
    expect(exp(1)).toBe(Math.E);
    expect(log(Math.E)).toBe(1);
  });
});
