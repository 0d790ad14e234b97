// The curate --report hook: .html detection, pool collection on the way to the pair builder, pair rows with the
// selection's per-pair values, and the page written atomically.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliContext } from '../../src/cli/context.js';
import { run } from '../../src/cli/main.js';
import { htmlReportPath, pairRowsOf, PoolCollector, writeCurateReport } from '../../src/cli/curate-report.js';
import { pipelineEngine } from '../../src/cli/engine-port.js';
import { createEngineSync } from '../../src/node.js';
import { toJobInput } from '../../src/pipeline/api.js';
import { Job } from '../../src/pipeline/job.js';
import { referenceKernels } from '../../src/reference/index.js';
import { fakeIo } from '../helpers/cli.js';
import { checkMarkup } from '../helpers/markup.js';

const dir = mkdtempSync(join(tmpdir(), 'pairsmith-curate-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Candidate sets as JSON Lines, read through the data path into a PoolCollector. */
async function collect(c: PoolCollector, sets: (number | null)[][]): Promise<void> {
  const text = sets.map((scores, i) => JSON.stringify({ prompt: `p${i}`, responses: scores.map((_, k) => `r${k}`), scores })).join('\n');
  const job = new Job(pipelineEngine(createEngineSync({ backend: 'js' })), toJobInput(text), { format: 'candidates' });
  for await (const a of job.pass()) if (a.kind === 'candidates') c.add(a.batch, a.columns);
}

describe('curate --report hook', () => {
  it('only .html/.htm files get the page', () => {
    expect(htmlReportPath('out/r.HTML')).toBe('out/r.HTML');
    expect(htmlReportPath('r.htm')).toBe('r.htm');
    expect(htmlReportPath('r.json')).toBeUndefined();
    expect(htmlReportPath(true)).toBeUndefined();
    expect(htmlReportPath(undefined)).toBeUndefined();
  });

  it('PoolCollector takes the candidate sets of the data path', async () => {
    const c = new PoolCollector('logit');
    await collect(c, [[0.5, 0.9, null], [0.1, 0.2]]);
    expect(c.pools.map((p) => p.promptIndex)).toEqual([0, 1]);
    // logit(0.5) = 0, logit(0.9) = ln 9; the null stays NaN.
    expect(c.pools[0]!.scores[0]).toBe(0);
    expect(c.pools[0]!.scores[1]).toBeCloseTo(Math.log(9), 12);
    expect(c.pools[0]!.scores[2]).toBeNaN();
  });

  it('pairRowsOf takes margins, score and kept rank from the selection arrays', () => {
    const rows = [{ prompt_index: 0, chosen_index: 1, rejected_index: 0, score_chosen: 0.9, score_rejected: 0.5, margin: 0.4 }];
    const r = pairRowsOf(rows, { external: [0.4], implicit: [NaN], score: [0.8], rank: [1] });
    expect(r[0]).toMatchObject({ promptIndex: 0, chosenIndex: 1, rejectedIndex: 0, scoreChosen: 0.9, margin: 0.4, implicitMargin: null, selectionScore: 0.8, selected: 1 });
  });

  it('writes the page with pools, the fused selection and routing', async () => {
    const io = fakeIo({ cwd: dir });
    const ctx = new CliContext(io, () => ({ backend: 'js', quiet: false }));
    const c = new PoolCollector('none');
    await collect(c, [[1, 2, 3, 10], [0, 5, 6]]);
    // Pair 0: chosen 10 (index 3) vs 1 (index 0), kept; pair 1: 6 vs 0, dropped. Fused scores 0.9 and 0.3.
    const rows = [
      { prompt_index: 0, chosen_index: 3, rejected_index: 0, score_chosen: 10, score_rejected: 1, margin: 9 },
      { prompt_index: 1, chosen_index: 2, rejected_index: 0, score_chosen: 6, score_rejected: 0, margin: 6 },
    ];
    const where = await writeCurateReport(ctx, 'rep/curate.html', {
      pools: c.pools,
      rows,
      selection: { external: [9, 6], score: [0.9, 0.3], rank: [1, 0] },
      by: 'bees',
      routing: { dpo: 1, sft: 0, threshold: 2 },
      manifest: { command: 'curate' },
      input: 'in.jsonl',
      transform: 'none',
      kernels: referenceKernels,
    });
    expect(where).toBe(join(dir, 'rep/curate.html'));
    expect(readdirSync(join(dir, 'rep'))).toEqual(['curate.html']);
    const html = readFileSync(where, 'utf8');
    expect(checkMarkup(html).errors).toEqual([]);
    expect(html).toContain('<title>pairsmith curate report</title>');
    expect(html).toContain('2 of 2 prompts analysed');
    expect(html).toContain('Selection kept 1 of 2 pairs, ranked by the fused margin.');
    expect(html).toContain('threshold 0.9');
    expect(html).toContain('<b>0 of 1 pairs went to SFT</b> (margin below 2)');
    expect(html).toContain('<th scope="row">curate</th>');
  });
});

describe('pairsmith curate --report', () => {
  it('an .html file gets the page (bundled sample, routed), any other file the JSON summary', async () => {
    const io = fakeIo({ cwd: dir });
    const code = await run(['curate', '-o', 'cur/out.jsonl', '--route', '--hard-fraction', '0.2', '--report', 'cur/report.html'], io);
    expect(io.err()).toMatch(/report: .*cur\/report\.html/);
    expect(code).toBe(0);
    const html = readFileSync(join(dir, 'cur/report.html'), 'utf8');
    expect(checkMarkup(html).errors).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(dir, 'cur/out.jsonl.manifest.json'), 'utf8'));
    const route = manifest.report.route as { dpo: number; sft: number };
    const sel = manifest.report.selection as { pairs: number; kept: number; by: string };
    // The page agrees with curate's own manifest: routing counts, kept pairs, sweet spot vs max-min.
    expect(html).toContain(`<b>${route.sft} of ${route.dpo + route.sft} pairs went to SFT</b>`);
    expect(html).toContain(`Selection kept ${sel.kept} of ${sel.pairs} pairs`);
    const c = manifest.report.construction as { pairs: number; rejected_not_min: number };
    expect(html).toContain(`different rejected candidates in ${c.rejected_not_min} of`);
    expect(existsSync(join(dir, 'cur/report.html.manifest.json'))).toBe(false);

    const io2 = fakeIo({ cwd: dir });
    expect(await run(['curate', '-o', 'cur/out2.jsonl', '--report', 'cur/summary.json'], io2)).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'cur/summary.json'), 'utf8'))).toHaveProperty('by');
  });
});
