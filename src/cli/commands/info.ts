// `pairsmith info`: version, backend, SIMD support and a kernel self-check (the backend agrees with the JS reference).
import { Command } from 'commander';
import { reduce } from '../../reference/index.js';
import { VERSION } from '../../version.js';
import type { CliContext } from '../context.js';

export function infoCommand(ctx: CliContext): Command {
  return new Command('info')
    .description('print version, backend, SIMD support and a kernel self-check')
    .option('--json', 'print the information as JSON on stdout')
    .addHelpText('after', '\nExamples:\n  $ pairsmith info\n  $ pairsmith --backend wasm-scalar info --json\n')
    .action(async (opts: { json?: boolean }) => {
      const engine = await ctx.engine();
      const check = selfCheck(engine.sum.bind(engine));
      const info = {
        version: VERSION,
        backend: engine.backend,
        simd_supported: engine.simdSupported,
        fallback_reason: engine.fallbackReason ?? null,
        self_check: check,
        node: typeof process !== 'undefined' ? process.versions.node : undefined,
      };
      if (opts.json) {
        ctx.io.stdout(`${JSON.stringify(info, null, 2)}\n`);
      } else {
        const lines = [
          `pairsmith ${VERSION}`,
          `backend:        ${engine.backend}${engine.fallbackReason ? ` (fallback: ${engine.fallbackReason})` : ''}`,
          `SIMD supported: ${engine.simdSupported ? 'yes' : 'no'}`,
          `self-check:     ${check.ok ? 'ok' : 'FAILED'} (sum of ${check.n} f32 and f64 values: ${check.detail})`,
        ];
        ctx.io.stdout(`${lines.join('\n')}\n`);
      }
      if (!check.ok) throw new Error(`self-check failed: ${check.detail}`);
    });
}

interface SelfCheck {
  ok: boolean;
  n: number;
  detail: string;
}

/** Runs the sum kernel on a fixed pseudo-random column of odd length and compares with the JS reference. */
function selfCheck(sum: (x: Float32Array | Float64Array) => { sum: number; nonFinite: number }): SelfCheck {
  const n = 1027;
  const x64 = new Float64Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    x64[i] = (s / 2 ** 32) * 2 - 1;
  }
  x64[7] = Number.NaN;
  const x32 = Float32Array.from(x64);
  const parts: string[] = [];
  let ok = true;
  for (const x of [x32, x64]) {
    const got = sum(x);
    const want = reduce.sum(x);
    let absSum = 0;
    for (const v of x) if (Number.isFinite(v)) absSum += Math.abs(v);
    const tol = 1e-15 + 8 * n * Number.EPSILON * absSum;
    const good = got.nonFinite === want.nonFinite && Math.abs(got.sum - want.sum) <= tol;
    ok &&= good;
    parts.push(`${x instanceof Float32Array ? 'f32' : 'f64'} ${good ? 'equal' : `differ (${got.sum} vs ${want.sum})`}`);
  }
  return { ok, n, detail: parts.join(', ') };
}
