// `pairsmith rpca <matrix.json> -o <out.json>`: low-rank + sparse split of one matrix (for library users and for
// checking against other RPCA code). Input {"rows","cols","data","mask"?} or {"D": [[...]]}.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { writeJsonFile } from '../../io/node/output.js';
import type { RpcaOptions } from '../../kernels/rpca.js';
import type { CliContext } from '../context.js';
import { CliError, EXIT } from '../io.js';

const HELP = `
Input: {"rows": m, "cols": n, "data": [m*n numbers, row-major], "mask"?: [m*n 0/1]} or {"D": [[...], ...]}.
Entries where mask is 0 are missing (they may be null). Output: {"L": [[...]], "S": [[...]], "iterations",
"converged", "rank", "relative_residual", "dual_residual", "objective"}: the primal residual ||D - L - S||_F /
||D||_F, the dual residual (ialm; null for altproj) and ||L||_* + lambda ||S||_1. ialm stops when both residuals
are below --tol and --dual-tol, which puts the objective within about 1e-7 of the PCP optimum.

Examples:
  $ pairsmith rpca matrix.json -o split.json
  $ pairsmith rpca matrix.json -o split.json --method altproj --rank 2
  $ pairsmith --backend js rpca matrix.json -o - --tol 1e-9 --max-iter 500
`;

export function positiveNumber(v: string): number {
  const x = Number(v);
  if (!Number.isFinite(x) || x <= 0) throw new InvalidArgumentError('must be a positive number');
  return x;
}

export function positiveInt(v: string): number {
  const x = Number(v);
  if (!Number.isInteger(x) || x < 1) throw new InvalidArgumentError('must be a positive integer');
  return x;
}

interface Opts {
  output: string;
  method: 'ialm' | 'altproj';
  lambda?: number;
  tol: number;
  dualTol: number;
  maxIter: number;
  rank?: number;
}

export interface MatrixInput {
  rows: number;
  cols: number;
  data: Float64Array;
  mask?: Uint8Array;
}

/** Parses the matrix JSON; errors name the file and the field. */
export function parseMatrix(text: string, file: string): MatrixInput {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new CliError(`${file}: invalid JSON (${(e as Error).message})`, EXIT.BAD_INPUT);
  }
  const bad = (msg: string): never => {
    throw new CliError(`${file}: ${msg}`, EXIT.BAD_INPUT);
  };
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return bad('expected a JSON object with "rows", "cols", "data" or "D"');
  const o = doc as Record<string, unknown>;
  let rows: number;
  let cols: number;
  let values: unknown[];
  if (o.D !== undefined) {
    if (!Array.isArray(o.D) || o.D.length === 0 || !o.D.every((r) => Array.isArray(r))) return bad('field "D" must be a non-empty array of rows');
    rows = o.D.length;
    cols = (o.D[0] as unknown[]).length;
    (o.D as unknown[][]).forEach((r, i) => r.length !== cols && bad(`field "D": row ${i} has ${r.length} entries, row 0 has ${cols}`));
    values = (o.D as unknown[][]).flat();
  } else {
    for (const f of ['rows', 'cols']) if (!Number.isInteger(o[f]) || (o[f] as number) < 1) bad(`field "${f}" must be a positive integer`);
    rows = o.rows as number;
    cols = o.cols as number;
    if (!Array.isArray(o.data) || o.data.length !== rows * cols) return bad(`field "data" must be an array of rows * cols = ${rows * cols} numbers`);
    values = o.data;
  }
  let mask: Uint8Array | undefined;
  if (o.mask !== undefined) {
    if (!Array.isArray(o.mask) || o.mask.length !== rows * cols) return bad(`field "mask" must be an array of ${rows * cols} entries 0/1`);
    mask = Uint8Array.from(o.mask, (v, i) => (v === 0 || v === 1 || typeof v === 'boolean' ? Number(v) : bad(`field "mask"[${i}] must be 0 or 1`)));
  }
  const data = new Float64Array(rows * cols);
  values.forEach((v, i) => {
    if (typeof v === 'number') data[i] = v;
    else if (v === null && mask && mask[i] === 0) data[i] = Number.NaN;
    else bad(`entry ${i} (row ${Math.floor(i / cols)}, column ${i % cols}) must be a number${mask ? ' (null only where mask is 0)' : ''}, got ${JSON.stringify(v)}`);
  });
  return { rows, cols, data, mask };
}

function rowsOf(x: Float64Array, rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, (_, i) => Array.from(x.subarray(i * cols, (i + 1) * cols)));
}

export function rpcaCommand(ctx: CliContext): Command {
  return new Command('rpca')
    .description('split a matrix into low-rank L and sparse S (robust PCA)')
    .argument('<matrix.json>', 'input matrix (JSON)')
    .requiredOption('-o, --output <out.json>', 'output JSON file (- for stdout)')
    .addOption(new Option('--method <method>', 'solver').choices(['ialm', 'altproj']).default('ialm'))
    .option('--lambda <x>', 'sparse weight (default 1/sqrt(max(rows, cols)))', positiveNumber)
    .option('--tol <x>', 'primal tolerance: ||D - L - S||_F / ||D||_F below this', positiveNumber, 1e-7)
    .option('--dual-tol <x>', 'dual tolerance (ialm): the dual residual below this', positiveNumber, 1e-5)
    .option('--max-iter <n>', 'iteration budget', positiveInt, 1000)
    .option('--rank <r>', 'target rank for altproj (default 2)', positiveInt)
    .addHelpText('after', HELP)
    .action(async (file: string, opts: Opts) => {
      const path = resolve(ctx.io.cwd ?? process.cwd(), file);
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (e) {
        throw new CliError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, EXIT.BAD_INPUT);
      }
      const m = parseMatrix(text, file);
      if (opts.rank !== undefined && opts.method !== 'altproj') throw new CliError('--rank applies to --method altproj only', EXIT.USAGE);
      const engine = await ctx.engine();
      const options: RpcaOptions = {
        method: opts.method, tol: opts.tol, dualTol: opts.dualTol, maxIter: opts.maxIter, mask: m.mask, lambda: opts.lambda, rank: opts.rank,
      };
      const t0 = Date.now();
      let r;
      try {
        r = engine.rpca(m.data, m.rows, m.cols, options);
      } catch (e) {
        if (e instanceof RangeError) throw new CliError(`${file}: ${e.message.replace(/^pairsmith: /, '')}`, EXIT.BAD_INPUT);
        throw e;
      }
      const out = {
        L: rowsOf(r.L, m.rows, m.cols),
        S: rowsOf(r.S, m.rows, m.cols),
        iterations: r.iterations,
        converged: r.converged,
        rank: r.rank,
        relative_residual: r.relativeResidual,
        dual_residual: Number.isFinite(r.dualResidual) ? r.dualResidual : null,
        objective: Number.isFinite(r.objective) ? r.objective : null,
      };
      if (opts.output === '-') ctx.io.stdout(`${JSON.stringify(out)}\n`);
      else await writeJsonFile(opts.output, out, ctx.io.cwd, 0);
      ctx.info(
        `rpca: ${m.rows}x${m.cols} ${opts.method} on ${engine.backend}: ${r.iterations} iterations, ` +
          `${r.converged ? 'converged' : 'NOT converged'}, rank ${r.rank}, residuals ${r.relativeResidual.toExponential(2)} (primal) ` +
          `${Number.isNaN(r.dualResidual) ? '-' : r.dualResidual.toExponential(2)} (dual), objective ${r.objective.toPrecision(10)}, ${Date.now() - t0} ms`,
      );
    });
}
