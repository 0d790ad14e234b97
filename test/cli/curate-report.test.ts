// The curate --report hook: .html detection, pools and rows streamed into the collector on the way to the pair
// builder (rows joined to their pools), the selection's per-pair values, rejects read back, the page written
// atomically.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliContext } from '../../src/cli/context.js';
import { run } from '../../src/cli/main.js';
import { htmlReportPath, readRejectsHead, writeCurateReport } from '../../src/cli/curate-report.js';
import { pipelineEngine } from '../../src/cli/engine-port.js';
import { createEngineSync } from '../../src/node.js';
import { toJobInput } from '../../src/pipeline/api.js';
import { chunkOfColumns } from '../../src/pipeline/candidates.js';
import { Job } from '../../src/pipeline/job.js';
import { pairsForChunk } from '../../src/pipeline/pairs.js';
import { CurateReport } from '../../src/pipeline/report-feed.js';
import { referenceKernels } from '../../src/reference/index.js';
import { fakeIo } from '../helpers/cli.js';
import { checkMarkup } from '../helpers/markup.js';

const dir = mkdtempSync(join(tmpdir(), 'pairsmith-curate-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Candidate sets read through the data path; their max-vs-min pairs and pools go to the collector as curate feeds it. */
async function feed(c: CurateReport, sets: { scores: (number | null)[]; responses?: string[] }[]): Promise<void> {
  const text = sets.map((x, i) => JSON.stringify({ prompt: `p${i}`, responses: x.responses ?? x.scores.map((_, k) => `r${k}`), scores: x.scores })).join('\n');
  const engine = pipelineEngine(createEngineSync({ backend: 'js' }));
  const job = new Job(engine, toJobInput(text), { format: 'candidates' });
  for await (const a of job.pass()) {
    if (a.kind !== 'candidates') continue;
    const res = pairsForChunk(engine, chunkOfColumns(engine, a.columns), { strategy: 'max-min' });
    c.add(a.batch, a.columns, res);
  }
}

describe('curate --report hook', () => {
  it('only .html/.htm files get the page', () => {
    expect(htmlReportPath('out/r.HTML')).toBe('out/r.HTML');
    expect(htmlReportPath('r.htm')).toBe('r.htm');
    expect(htmlReportPath('r.json')).toBeUndefined();
    expect(htmlReportPath(true)).toBeUndefined();
    expect(htmlReportPath(undefined)).toBeUndefined();
  });

  it('CurateReport streams the pools and the pairs built from them into the collector', async () => {
    const c = new CurateReport(referenceKernels, 'logit');
    // The pairs are max vs min: candidate 1 ('long answer') vs candidate 0 ('no') in both sets.
    await feed(c, [
      { scores: [0.5, 0.9, null], responses: ['no', 'long answer', 'x'] },
      { scores: [0.1, 0.2], responses: ['no', 'long answer'] },
    ]);
    const s = c.collector.promptSummaries();
    expect(Array.from(s.promptIndex)).toEqual([0, 1]);
    // logit(0.5) = 0, logit(0.9) = ln 9; the null is excluded: mu = ln 9 / 2.
    expect(s.mu[0]).toBeCloseTo(Math.log(9) / 2, 12);
    const d = c.collector.finish({ sources: ['x'], generatedAt: 'now', scoreLabel: 'logit(score)' });
    // Both rows joined to their pools: gaps ln 9 - 0 and logit(0.2) - logit(0.1) = ln(0.25/0.1111) = ln 2.25.
    expect(d.pairs!.pairs).toBe(2);
    expect(d.pairs!.gapSummary.max).toBeCloseTo(Math.log(9), 12);
    expect(d.pairs!.gapSummary.min).toBeCloseTo(Math.log(2.25), 12);
    expect(d.lengths!.stats[0]!.longer).toBe(2);
  });

  it('writes the page with pools, the fused selection, routing and the rejects of the run', async () => {
    const io = fakeIo({ cwd: dir });
    const ctx = new CliContext(io, () => ({ backend: 'js', quiet: false }));
    // Pair 0: chosen 10 (index 3) vs 1 (index 0), kept; pair 1: 6 vs 0, dropped. Fused scores 0.9 and 0.3.
    const pairs = {
      n: 2,
      record: Int32Array.of(0, 1),
      chosen: Int32Array.of(3, 2),
      rejected: Int32Array.of(0, 0),
      scoreChosen: Float64Array.of(10, 6),
      scoreRejected: Float64Array.of(1, 0),
      external: Float64Array.of(9, 6),
      implicit: Float64Array.of(NaN, NaN),
    };
    const c = new CurateReport(referenceKernels, 'none');
    await feed(c, [{ scores: [1, 2, 3, 10] }, { scores: [0, 5, 6] }]);
    const rejects = join(dir, 'rej.jsonl');
    writeFileSync(rejects, `${JSON.stringify({ file: 'in.jsonl', line: 7, field: 'scores', reason: 'wrong_type', detail: 'scores[0] is a string', record: {} })}\n`);
    const where = await writeCurateReport(ctx, 'rep/curate.html', c, {
      result: { pairs, selection: { score: Float64Array.of(0.9, 0.3), rank: Int32Array.of(1, 0) }, by: 'bees', report: { route: { dpo: 1, sft: 0 } } },
      threshold: 2,
      manifest: { command: 'curate', rejects, records: { rejected: 3 } },
      input: 'in.jsonl',
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
    // 3 rejected in all; the rejects file holds the first.
    expect(html).toContain('<b>3 input records were rejected.</b> The first 1 is listed');
    expect(html).toContain('<td>in.jsonl</td><td class="num">7</td><td><code>scores</code></td><td>wrong_type</td>');
  });

  it('readRejectsHead reads at most n records and skips unparseable lines', async () => {
    const f = join(dir, 'many.rejects.jsonl');
    writeFileSync(f, `not json\n${Array.from({ length: 80 }, (_, i) => JSON.stringify({ file: 'a', line: i + 1, field: null, reason: 'malformed_json', detail: 'x' })).join('\n')}\n`);
    const head = await readRejectsHead(f);
    expect(head).toHaveLength(50);
    expect(head[0]).toEqual({ file: 'a', line: 1, field: null, reason: 'malformed_json', detail: 'x' });
    expect(await readRejectsHead(join(dir, 'missing.jsonl'))).toEqual([]);
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
    // The BeeS chart of the resolved --by auto (issue #16), the rejected records of the run, example pairs.
    expect(sel.by).toBe('bees');
    expect(html).toContain('<b>Fused (BeeS) margin.</b>');
    expect(html).toContain(`<b>${manifest.records.rejected} input records were rejected.</b>`);
    expect(html).toContain('<h3 id="examples-high">Highest margin</h3>');
    expect(existsSync(join(dir, 'cur/report.html.manifest.json'))).toBe(false);

    const io2 = fakeIo({ cwd: dir });
    expect(await run(['curate', '-o', 'cur/out2.jsonl', '--report', 'cur/summary.json'], io2)).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'cur/summary.json'), 'utf8'))).toHaveProperty('by');
  });
});
