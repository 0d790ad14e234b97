// `curate --shard K/N ... --report page.html` keeps each shard's report state beside its partial, and
// `merge --report page.html` writes the unsharded run's HTML report from them: for N = 1..5 the merged page is the
// unsharded page byte for byte, apart from the output's name and the manifest's list of partials (the clock is
// fixed, so times agree). On a hand-made fixture with rejects, ties, NaN and out-of-range scores, token log-probs
// and a record so large that some shards hold no record; and on a generated input of 4,500 prompts whose
// candidate-score sample is full (72,000 scores for 65,536 places). Also: what the merge refuses.
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCandidates } from '../../bench/gen-candidates.js';
import { run } from '../../src/cli/main.js';
import { EXIT } from '../../src/cli/io.js';
import { mulberry32 } from '../../src/pipeline/rng.js';
import { fakeIo, type FakeIo } from '../helpers/cli.js';
import { checkMarkup } from '../helpers/markup.js';

const dir = mkdtempSync(join(tmpdir(), 'pairsmith-merge-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const NOW = new Date('2026-12-02T12:00:00.000Z');
const FIXTURE = join(dir, 'fixture.jsonl');
const GENERATED = join(dir, 'generated.jsonl');

beforeAll(() => {
  // The fixture: 40 records of probabilities (for --transform logit) with the special ones at fixed places.
  const r = mulberry32(14);
  const lines: string[] = [];
  for (let i = 0; i < 40; i++) {
    const n = 2 + Math.floor(r() * 8);
    const scores = Array.from({ length: n }, () => Math.round(r() * 1000) / 1000);
    const rec: Record<string, unknown> = { prompt: i === 30 ? [{ role: 'user', content: `question ${i}` }] : `question ${i}`, responses: scores.map((_, k) => `answer ${i}.${k} ${'w'.repeat(Math.floor(r() * 30))}`), scores };
    if (i % 5 === 0) {
      // Token log-probs (lists) for some candidates, sums for the others.
      rec.policy_logps = scores.map((_, k) => (k % 2 ? -1 - k : [-0.5, -0.25 * k]));
      rec.reference_logps = scores.map((_, k) => (k % 2 ? -2 : [-0.75, -0.5]));
    }
    if (i === 3) rec.scores = [0.8, 0.8, 0.2, 0.4].concat(scores.slice(4)).slice(0, n); // tied top
    if (i === 6) rec.scores = scores.map(() => 0.5); // no spread
    if (i === 12) rec.scores = [1.5, ...scores.slice(1)]; // out of the logit's range
    if (i === 15) Object.assign(rec, { responses: ['only'], scores: [0.4] }); // one candidate
    if (i === 20) rec.responses = scores.map((_, k) => (k === 0 ? `long ${'z'.repeat(60_000)}` : `short ${k}`)); // most of the file's bytes
    let line = JSON.stringify(rec);
    if (i === 9) line = '{"prompt": "question 9", "responses": ["a", "b", "c", "d", "e"], "scores": [NaN, null, 0.3, 0.9, 0.35]}';
    if (i === 18) line = '{"prompt": "broken", "responses": ["a", "b"], "scores": [0.1, ';
    if (i === 21) line = JSON.stringify({ prompt: 'typed', responses: ['a', 'b'], scores: [0.1, 'x'] });
    if (i === 24) line = '';
    if (i === 27) line += '\r';
    lines.push(line);
  }
  writeFileSync(FIXTURE, `${lines.join('\n')}\n`);
  // 4,500 prompts of 16 candidates: 72,000 finite scores, more than the sample's 65,536 places.
  writeFileSync(GENERATED, Buffer.concat([...generateCandidates({ prompts: 4500, candidates: 16, chars: 30, seed: 5 })]));
});

async function cli(args: string[], code = 0): Promise<FakeIo> {
  const io = { ...fakeIo({ cwd: dir }), now: () => NOW };
  const got = await run(['--quiet', ...args], io);
  expect(got, io.err()).toBe(code);
  return io;
}

const read = (p: string): string => readFileSync(join(dir, p), 'utf8');

const MERGED_FROM = /<tr><th scope="row">merged_from<\/th><td>[^<]*<\/td><\/tr>/;

/** A merged page as the unsharded run's: its outputs named as the unsharded run's, without the list of partials. */
function asUnsharded(html: string, mergedStem: string, wholeStem: string): string {
  expect(html).toMatch(MERGED_FROM);
  return html.split(mergedStem).join(wholeStem).replace(MERGED_FROM, '');
}

/** Runs the unsharded curate and, for N = 1..5, its N shards and their merge; checks the pages and rows agree. */
async function shardsMergeToWhole(name: string, input: string, options: string[]): Promise<{ page: string; emptyShards: number }> {
  await cli(['curate', input, ...options, '-o', `${name}-whole.jsonl`, '--report', `${name}-whole.html`]);
  const whole = read(`${name}-whole.html`);
  let emptyShards = 0;
  for (let n = 1; n <= 5; n++) {
    const parts: string[] = [];
    for (let k = 1; k <= n; k++) {
      const part = `${name}-${n}-part${k}.jsonl`;
      await cli(['curate', input, ...options, '-o', part, '--shard', `${k}/${n}`, '--report', 'page.html']);
      expect(existsSync(join(dir, 'page.html')), 'a shard writes no page').toBe(false);
      const m = JSON.parse(read(`${part}.manifest.json`)) as { records: { read: number } };
      if (m.records.read === 0) emptyShards++;
      parts.push(part);
    }
    const merged = `${name}-${n}-merged`;
    await cli(['merge', ...[...parts].reverse(), '-o', `${merged}.jsonl`, '--report', `${merged}.html`]);
    expect(read(`${merged}.jsonl`) === read(`${name}-whole.jsonl`), `${n} shards: merged rows differ from the unsharded run`).toBe(true);
    const page = asUnsharded(read(`${merged}.html`), merged, `${name}-whole`);
    expect(page === whole, `${n} shards: the merged page differs from the unsharded page`).toBe(true);
  }
  expect(checkMarkup(whole).errors).toEqual([]);
  return { page: whole, emptyShards };
}

describe('curate --shard ... --report page.html, then merge --report page.html', () => {
  it('fixture with rejects, ties, NaN and token log-probs, some shards empty: N = 1..5 merged pages are the unsharded page', async () => {
    const { page, emptyShards } = await shardsMergeToWhole('fix', FIXTURE, ['--transform', 'logit', '--fraction', '0.6', '--route', '--threshold', '0.6']);
    expect(emptyShards).toBeGreaterThan(0);
    // The page has what the shards had to carry (rejects, examples, token lengths) and what the merge adds (routing).
    const m = JSON.parse(read('fix-whole.jsonl.manifest.json')) as { records: { rejected: number }; report: { route: { dpo: number; sft: number } } };
    expect(m.records.rejected).toBe(3);
    expect(page).toContain('<b>3 input records were rejected.</b>');
    expect(m.report.route.dpo * m.report.route.sft).toBeGreaterThan(0);
    expect(page).toContain(`<b>${m.report.route.sft} of ${m.report.route.dpo + m.report.route.sft} pairs went to SFT</b>`);
    expect(page).toContain('<h3 id="examples-high">Highest margin</h3>');
    expect(page).toContain('id="length-tokens"');
    expect(page).toContain('logit(score)');
  }, 180_000);

  it('generated input of 4,500 prompts (the score sample full): N = 1..5 merged pages are the unsharded page', async () => {
    const { page } = await shardsMergeToWhole('gen', GENERATED, ['--fraction', '0.3', '--route', '--hard-fraction', '0.1']);
    expect(page).toContain('4\u202F500 of 4\u202F500 prompts analysed');
    // The median of all candidates comes from the sample (not exact): the page says so.
    expect(page).toContain('from a sample of the candidates');
  }, 300_000);

  it('without --report the merge does what the shards asked (the page); the page of a pairs input', async () => {
    const base = ['curate', FIXTURE, '--fraction', '0.5'];
    for (let k = 1; k <= 2; k++) await cli([...base, '-o', `own-${k}.jsonl`, '--shard', `${k}/2`, '--report', 'own.html']);
    await cli(['merge', 'own-1.jsonl', 'own-2.jsonl', '-o', 'own.jsonl']);
    await cli([...base, '-o', 'own-whole.jsonl', '--report', 'own-whole.html']);
    expect(asUnsharded(read('own.html'), 'own.jsonl', 'own-whole.jsonl')).toBe(read('own-whole.html'));

    // A pairs input reaches curate without the pair builder: every shard's state is empty, the merge adds the pairs.
    await cli(['pairs', FIXTURE, '-o', 'fixture-pairs.jsonl']);
    const pairs = ['curate', join(dir, 'fixture-pairs.jsonl'), '--fraction', '0.5'];
    await cli([...pairs, '-o', 'pp-whole.jsonl', '--report', 'pp-whole.html']);
    for (let k = 1; k <= 3; k++) await cli([...pairs, '-o', `pp-${k}.jsonl`, '--shard', `${k}/3`, '--report', 'pp.html']);
    await cli(['merge', 'pp-1.jsonl', 'pp-2.jsonl', 'pp-3.jsonl', '-o', 'pp.jsonl', '--report', 'pp.html']);
    const whole = read('pp-whole.html');
    expect(whole).toContain('Selection kept');
    expect(asUnsharded(read('pp.html'), 'pp.jsonl', 'pp-whole.jsonl') === whole, 'pairs input: the merged page differs').toBe(true);
  }, 120_000);

  it('refuses: partials made without the report (exit 2: re-run the shards), a report state missing or damaged (exit 3)', async () => {
    const base = ['curate', FIXTURE, '--fraction', '0.5'];
    for (let k = 1; k <= 3; k++) await cli([...base, '-o', `no-${k}.jsonl`, '--shard', `${k}/3`]);
    const io = await cli(['merge', 'no-1.jsonl', 'no-2.jsonl', 'no-3.jsonl', '-o', 'no.jsonl', '--report', 'no.html'], EXIT.USAGE);
    expect(io.err()).toMatch(/made without the HTML report; re-run the shards with --report page\.html/);
    expect(existsSync(join(dir, 'no.jsonl'))).toBe(false);
    // One shard of three with the report is not enough either.
    await cli([...base, '-o', 'no-2.jsonl', '--shard', '2/3', '--report', 'page.html']);
    const io2 = await cli(['merge', 'no-1.jsonl', 'no-2.jsonl', 'no-3.jsonl', '-o', 'no.jsonl', '--report', 'no.html'], EXIT.USAGE);
    expect(io2.err()).toMatch(/no-1\.jsonl, no-3\.jsonl were made without the HTML report/);

    for (let k = 1; k <= 2; k++) await cli([...base, '-o', `st-${k}.jsonl`, '--shard', `${k}/2`, '--report', 'page.html']);
    writeFileSync(join(dir, 'st-2.jsonl.report-state.jsonl'), '{"pairsmith_report_state": 1, "prompts"\n');
    const io3 = await cli(['merge', 'st-1.jsonl', 'st-2.jsonl', '-o', 'st.jsonl', '--report', 'st.html'], EXIT.BAD_INPUT);
    expect(io3.err()).toMatch(/st-2\.jsonl\.report-state\.jsonl: not a pairsmith report state/);
    // Nothing is written when a state is damaged: the states are merged before the rows.
    expect(existsSync(join(dir, 'st.html')) || existsSync(join(dir, 'st.jsonl'))).toBe(false);
    unlinkSync(join(dir, 'st-2.jsonl.report-state.jsonl'));
    const io4 = await cli(['merge', 'st-1.jsonl', 'st-2.jsonl', '-o', 'st.jsonl', '--report', 'st.html'], EXIT.BAD_INPUT);
    expect(io4.err()).toMatch(/st-2\.jsonl\.report-state\.jsonl: missing/);
  }, 120_000);
});
