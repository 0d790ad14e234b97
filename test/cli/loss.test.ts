// `pairsmith loss` through run(argv, io): spec case values end to end, per-row output, TRL metric names,
// per-token arrays, TRL field names, usage errors. Datasets-layer integration (formats, rejects, manifest,
// chunking, sequenceLogps) is in loss-data.test.ts.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { fakeIo } from '../helpers/cli.js';
import { expectClose } from '../helpers/close.js';

const dir = mkdtempSync(join(tmpdir(), 'pairsmith-loss-'));
function file(name: string, rows: unknown[] | string): string {
  const p = join(dir, name);
  writeFileSync(p, typeof rows === 'string' ? rows : rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return p;
}

// spec case B (batch of three)
const CASE_B = [
  { policy_chosen_logps: -10, policy_rejected_logps: -12, reference_chosen_logps: -11, reference_rejected_logps: -11.3 },
  { policy_chosen_logps: -20, policy_rejected_logps: -19, reference_chosen_logps: -19.5, reference_rejected_logps: -20 },
  { policy_chosen_logps: -15, policy_rejected_logps: -15.5, reference_chosen_logps: -15.4, reference_rejected_logps: -15 },
];

describe('pairsmith loss', () => {
  for (const backend of ['wasm-simd', 'wasm-scalar', 'js']) {
    it(`--backend ${backend}: spec case B summary with TRL's metric names`, async () => {
      const io = fakeIo();
      const code = await run(['--backend', backend, 'loss', file('b.jsonl', CASE_B), '--loss', 'sigmoid,aot,aot_unpaired', '--beta', '0.1', '--json'], io);
      expect(code).toBe(0);
      expect(io.err()).toMatch(/^loss: 3 records read, 3 written \(0 rows\), 0 rejected; backend /);
      const s = JSON.parse(io.out());
      expect(s.backend).toBe(backend);
      expect(s.rows).toBe(3);
      const m = s.metrics;
      expect(Object.keys(m)).toEqual([
        'rewards/chosen',
        'rewards/rejected',
        'rewards/accuracies',
        'rewards/margins',
        'logps/chosen',
        'logps/rejected',
        'loss/sigmoid',
        'loss/aot',
        'loss/aot_unpaired',
      ]);
      const tol = { rtol: 2e-9, atol: 1e-9 };
      expectClose(m['loss/sigmoid'], 0.6772905752, tol);
      expectClose(m['loss/aot'], 0.6759171135, tol);
      expectClose(m['loss/aot_unpaired'], 0.6751678998, tol);
      expectClose(m['rewards/chosen'], 0.03, tol);
      expectClose(m['rewards/rejected'], -0.0066666667, tol);
      expectClose(m['rewards/accuracies'], 0.6666666667, tol);
      expectClose(m['rewards/margins'], 0.0366666667, tol);
      expectClose(m['logps/chosen'], -15, tol);
      expectClose(m['logps/rejected'], -15.5, tol);
    });
  }

  it('-o writes one row per pair with loss, rewards, margin and gradients (spec case A)', async () => {
    const input = file('a.jsonl', [
      { chosen_logps: -10, rejected_logps: -12, ref_chosen_logps: -11, ref_rejected_logps: -11.5, chosen_length: 20, rejected_length: 25 },
    ]);
    const out = join(dir, 'rows-a.jsonl');
    const io = fakeIo();
    expect(await run(['loss', input, '--loss', 'sigmoid,ipo,hinge', '-o', out, '--json'], io)).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    const row = JSON.parse(lines[0]!);
    expect(Object.keys(row)).toEqual(['index', 'loss', 'chosen_reward', 'rejected_reward', 'margin', 'grad']);
    expect(row.index).toBe(0);
    expectClose(row.loss.sigmoid, 0.620957048, { rtol: 2e-9 });
    expectClose(row.loss.ipo, 24.3049, { rtol: 1e-12 });
    expectClose(row.loss.hinge, 0.85, { rtol: 1e-12 });
    expectClose(row.chosen_reward, 0.1, { rtol: 1e-12 });
    expectClose(row.rejected_reward, -0.05, { rtol: 1e-12 });
    expectClose(row.margin, 0.15, { rtol: 1e-12 });
    expectClose(row.grad.sigmoid[0], -0.04625702, { rtol: 1e-6 });
    expectClose(row.grad.sigmoid[1], 0.04625702, { rtol: 1e-6 });
    expectClose(row.grad.ipo[0], -0.493, { rtol: 1e-9 });
    expectClose(row.grad.ipo[1], 0.3944, { rtol: 1e-9 });
    // atomic write: no temp file left behind
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('per-token arrays are summed and their lengths count as token counts (ipo per-token means)', async () => {
    const input = file('tokens.jsonl', [
      {
        policy_chosen_logps: [-4, -3, -3],
        policy_rejected_logps: [-6, -6],
        reference_chosen_logps: [-5, -3, -3],
        reference_rejected_logps: [-5.5, -6],
      },
    ]);
    const out = join(dir, 'rows-tokens.jsonl');
    const io = fakeIo();
    expect(await run(['loss', input, '--loss', 'ipo,sigmoid', '--beta', '0.5', '-o', out, '--json'], io)).toBe(0);
    const row = JSON.parse(readFileSync(out, 'utf8'));
    // c = 1, r = -0.5; per-token means 1/3 and -0.25; (1/3 + 0.25 - 1)^2
    expectClose(row.loss.ipo, (1 / 3 + 0.25 - 1) ** 2, { rtol: 1e-12 });
    expectClose(row.loss.sigmoid, Math.log1p(Math.exp(-0.75)), { rtol: 1e-12 });
    expect(JSON.parse(io.out()).metrics['logps/chosen']).toBe(-10);
  });

  it('rating-aware losses from score_chosen/score_rejected; rows without scores count apart', async () => {
    const rows = [
      { ...CASE_B[0], score_chosen: 8, score_rejected: 6.5 },
      { ...CASE_B[1] },
      { ...CASE_B[2], score_chosen: 7, score_rejected: 5 },
    ];
    const out = join(dir, 'rows-rated.jsonl');
    const io = fakeIo();
    expect(await run(['loss', file('rated.jsonl', rows), '--loss', 'rdpo,ml-rdpo', '-o', out, '--json'], io)).toBe(0);
    const s = JSON.parse(io.out());
    expect(s.rows_per_loss).toEqual({ rdpo: 2, 'ml-rdpo': 3 });
    const written = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(written[1].loss.rdpo).toBeNull();
    expect(written[1].grad.rdpo).toEqual([null, null]);
    // row 0: d = 1.7, gap 1.5, beta 0.1, beta1 1: z = 0.17 - 0.15
    expectClose(written[0].loss.rdpo, Math.log1p(Math.exp(-0.02)), { rtol: 1e-12 });
  });

  it('a table summary by default', async () => {
    const io = fakeIo();
    expect(await run(['loss', file('b2.jsonl', CASE_B), '--loss', 'sigmoid'], io)).toBe(0);
    expect(io.out()).toMatch(/rows: 3  rejected: 0/);
    expect(io.out()).toMatch(/rewards\/accuracies\s+0\.6666666667/);
    expect(io.out()).toMatch(/loss\/sigmoid\s+0\.677290575/);
  });

  it('reads stdin with -', async () => {
    const io = fakeIo({ stdin: CASE_B.map((r) => JSON.stringify(r)).join('\n') });
    expect(await run(['loss', '-', '--json'], io)).toBe(0);
    expect(JSON.parse(io.out()).rows).toBe(3);
  });

  it('bad rows: skipped by default (named on stderr), or file:line:field with exit 3 under --on-error fail', async () => {
    const bad = file('bad.jsonl', [
      JSON.stringify(CASE_B[0]),
      '',
      JSON.stringify({ ...CASE_B[1], policy_rejected_logps: 'x' }),
      '{not json',
      JSON.stringify({ ...CASE_B[2], reference_chosen_logps: undefined }),
      JSON.stringify({ ...CASE_B[2], policy_chosen_logps: [-1, null] }),
    ].join('\n'));
    const io = fakeIo();
    expect(await run(['loss', bad, '--json'], io)).toBe(0);
    expect(JSON.parse(io.out())).toMatchObject({ rows: 1, rejected: 4, rejected_by_reason: { wrong_type: 2, malformed_json: 1, missing_field: 1 } });
    expect(io.err()).toContain('bad.jsonl:3:policy_rejected_logps: wrong_type');
    expect(io.err()).toContain('bad.jsonl:4:-: malformed_json');
    expect(io.err()).toContain("bad.jsonl:5:reference_chosen_logps: missing_field: required field 'reference_chosen_logps' (or TRL's 'ref_chosen_logps') is missing");
    expect(io.err()).toContain("bad.jsonl:6:policy_chosen_logps.1: wrong_type: 'policy_chosen_logps[1]' must be a number, got null");
    const io2 = fakeIo();
    expect(await run(['loss', bad, '--on-error', 'fail'], io2)).toBe(3);
    expect(io2.err()).toContain(`bad record at ${bad}:3:policy_rejected_logps: wrong_type: 'policy_rejected_logps' must be a number or an array of numbers, got a string`);
    expect(io2.out()).toBe('');
  });

  it('odpo rejects rows whose chosen score is not above the rejected one', async () => {
    const io = fakeIo();
    const input = file('odpo.jsonl', [{ ...CASE_B[0], score_chosen: 5, score_rejected: 5 }]);
    expect(await run(['loss', input, '--loss', 'odpo', '--on-error', 'fail'], io)).toBe(3);
    expect(io.err()).toContain('odpo.jsonl:1:score_chosen: out_of_range: odpo needs score_chosen > score_rejected (gap 0)');
    // skipped by default: then no row is left, and odpo has nothing to average
    const io2 = fakeIo();
    expect(await run(['loss', input, '--loss', 'odpo', '--json'], io2)).toBe(0);
    expect(JSON.parse(io2.out())).toMatchObject({ rows: 0, rejected: 1, rejected_by_reason: { out_of_range: 1 } });
  });

  it('usage errors: unknown loss type, bad numbers, bad choices, missing file', async () => {
    const input = file('u.jsonl', CASE_B);
    for (const argv of [
      ['loss', input, '--loss', 'sigmoid,nope'],
      ['loss', input, '--beta', '0'],
      ['loss', input, '--label-smoothing', '0.5'],
      ['loss', input, '--batch-size', '2.5'],
      ['loss', input, '--f-divergence', 'kl'],
      ['loss', input, '--chunk-size', '0'],
      ['loss', input, '--on-error', 'stop'],
      ['loss', input, '-o', join(dir, 'rows.parquet')],
    ]) {
      const io = fakeIo();
      expect(await run(argv, io), argv.join(' ')).toBe(2);
      expect(io.err()).not.toBe('');
    }
    const io = fakeIo();
    expect(await run(['loss', join(dir, 'missing.jsonl')], io)).toBe(3);
    expect(io.err()).toMatch(/missing\.jsonl: no such file/);
  });
});

describe('pairsmith loss: TRL presets, loss weights, validity per loss, non-finite rewards', () => {
  it("--trl v1: TRL v1.9's definitions (spec 1.5), recorded in the manifest with the version's defaults", async () => {
    const input = file('a-v1.jsonl', [
      { chosen_logps: -10, rejected_logps: -12, ref_chosen_logps: -11, ref_rejected_logps: -11.5, chosen_length: 20, rejected_length: 25 },
    ]);
    const out = join(dir, 'rows-a-v1.jsonl');
    const io = fakeIo();
    expect(await run(['loss', input, '--trl', 'v1', '--loss', 'sigmoid,bco_pair,sigmoid_norm', '--label-smoothing', '0.1', '-o', out, '--json'], io)).toBe(0);
    const m = JSON.parse(io.out()).metrics;
    expectClose(m['loss/sigmoid'], 0.620957048, { rtol: 2e-9 }); // v1's sigmoid ignores label smoothing
    expectClose(m['loss/bco_pair'], 1.312856308, { rtol: 2e-9 }); // no running mean
    expectClose(m['loss/sigmoid_norm'], 0.689653306, { rtol: 2e-9 });
    const manifest = JSON.parse(readFileSync(`${out}.manifest.json`, 'utf8'));
    expect(manifest.parameters).toMatchObject({ trl: 'v1', fAlpha: 0.5, bcoRunningMean: false, labelSmoothing: 0.1 });
    // v0.28 (the default) keeps cDPO and the running mean
    const io2 = fakeIo();
    expect(await run(['loss', input, '--loss', 'sigmoid', '--label-smoothing', '0.1', '--json'], io2)).toBe(0);
    expectClose(JSON.parse(io2.out()).metrics['loss/sigmoid'], 0.635957048, { rtol: 2e-9 });
  });

  it('--loss-weights: loss/total = sum of w_k * loss/<k> (MPO on spec case B, hand-computed)', async () => {
    const io = fakeIo();
    const argv = ['loss', file('mpo.jsonl', CASE_B), '--trl', 'v1', '--loss', 'sigmoid,bco_pair,sft', '--loss-weights', '0.8,0.2,1', '--json'];
    expect(await run(argv, io)).toBe(0);
    const m = JSON.parse(io.out()).metrics;
    // sigmoid 0.6772905752 (spec), bco_pair mean of softplus(-0.1c) + softplus(0.1r) = 1.3692731130, sft 45/3 = 15
    expectClose(m['loss/total'], 0.8 * 0.6772905752285884 + 0.2 * 1.3692731129834819 + 15, { rtol: 1e-12 });
    expectClose(m['loss/total'], 15.815687082779567, { rtol: 1e-12 });
    for (const bad of [['--loss-weights', '1,2'], ['--loss-weights', '1,x,2'], ['--trl', 'v2']]) {
      const e = fakeIo();
      expect(await run(['loss', file('mpo2.jsonl', CASE_B), '--loss', 'sigmoid,bco_pair,sft', ...bad], e), bad.join(' ')).toBe(2);
      expect(e.err()).not.toBe('');
    }
  });

  it('a row only odpo cannot use gets null for odpo and counts under invalid_by_loss; sigmoid keeps all 33 rows', async () => {
    // 33 rows, 14 of them with score_chosen <= score_rejected
    const rows = Array.from({ length: 33 }, (_, i) => ({
      policy_chosen_logps: -10 - (i % 5), policy_rejected_logps: -12 + (i % 3), reference_chosen_logps: -11, reference_rejected_logps: -11.5,
      score_chosen: i < 14 ? 3 - (i % 2) : 5 + (i % 4), score_rejected: 3,
    }));
    const input = file('odpo33.jsonl', rows);
    const out = join(dir, 'rows-odpo33.jsonl');
    const both = await (async () => {
      const io = fakeIo();
      expect(await run(['loss', input, '--loss', 'sigmoid,odpo', '-o', out, '--json'], io)).toBe(0);
      return JSON.parse(io.out());
    })();
    const io = fakeIo();
    expect(await run(['loss', input, '--loss', 'sigmoid', '--json'], io)).toBe(0);
    const alone = JSON.parse(io.out());
    expect(both.rows).toBe(33);
    expect(both.rejected).toBe(0);
    expect(both.rows_per_loss).toEqual({ sigmoid: 33, odpo: 19 });
    expect(both.invalid_by_loss).toEqual({ odpo: { gap_not_positive: 14 } });
    expect(both.metrics['loss/sigmoid']).toBe(alone.metrics['loss/sigmoid']);
    const written = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(written.filter((r) => r.loss.odpo === null).map((r) => r.index)).toEqual(Array.from({ length: 14 }, (_, i) => i));
    expect(written.every((r) => typeof r.loss.sigmoid === 'number')).toBe(true);
    const manifest = JSON.parse(readFileSync(`${out}.manifest.json`, 'utf8'));
    expect(manifest.report).toEqual({ rows_per_loss: { sigmoid: 33, odpo: 19 }, invalid_by_loss: { odpo: { gap_not_positive: 14 } } });
    // odpo alone cannot use those rows: they are rejected (as before)
    const io3 = fakeIo();
    expect(await run(['loss', input, '--loss', 'odpo', '--json'], io3)).toBe(0);
    expect(JSON.parse(io3.out())).toMatchObject({ rows: 19, rejected: 14, rejected_by_reason: { out_of_range: 14 } });
  });

  it('a row whose log-ratio overflows is rejected as non_finite and changes no other row (bco_pair, rewards)', async () => {
    const bad = { policy_chosen_logps: 1e308, policy_rejected_logps: -12, reference_chosen_logps: -1e308, reference_rejected_logps: -11.3 };
    const tokensBad = { policy_chosen_logps: [1e308, 1e308], policy_rejected_logps: -12, reference_chosen_logps: -11, reference_rejected_logps: -11.3 };
    const with_ = file('overflow.jsonl', [CASE_B[0], bad, CASE_B[1], tokensBad, CASE_B[2]]);
    const without = file('no-overflow.jsonl', CASE_B);
    const argv = ['--loss', 'sigmoid,bco_pair,aot', '--batch-size', '2', '--json'];
    const io = fakeIo();
    expect(await run(['loss', with_, ...argv], io)).toBe(0);
    const s = JSON.parse(io.out());
    expect(s).toMatchObject({ rows: 3, rejected: 2, rejected_by_reason: { non_finite: 1, out_of_range: 1 } });
    expect(io.err()).toContain('overflow.jsonl:2:policy_chosen_logps: non_finite: the chosen log-ratio policy - reference = Infinity gives a non-finite reward at beta 0.1');
    expect(io.err()).toContain('overflow.jsonl:4:policy_chosen_logps: out_of_range');
    const io2 = fakeIo();
    expect(await run(['loss', without, ...argv], io2)).toBe(0);
    const clean = JSON.parse(io2.out());
    expect(s.metrics).toEqual(clean.metrics);
    for (const v of Object.values(s.metrics)) expect(v).not.toBeNull();
  });
});
