// Hostile records through every data command: nesting 5,000 deep (10 KB), a record over --max-record-bytes (16 KiB), keys and values
// holding terminal escape sequences, a UTF-8 BOM, extreme doubles (+-max double, subnormals, 1e-170 spreads), and a
// `clean` record asking for a huge n. Checked: no crash (exit 0), the rejects name their reasons (too_deep,
// too_large, ...), the counts add up, and no raw control character reaches stderr.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { fakeIo } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'pairsmith-hostile-'));
const at = (f: string) => join(dir, f);

const deep = `{"prompt":"p","responses":["a","b"],"scores":[1,2],"x":${'['.repeat(5000)}${']'.repeat(5000)}}`;
const large = `{"prompt":"${'x'.repeat(20000)}","responses":["a","b"],"scores":[1,2]}`;
const esc = '\u001b]0;owned\u0007\u001b[2J';
const candidates = [
  '\ufeff{"prompt":"first (after a BOM)","responses":["a","b","c"],"scores":[1,2,3]}',
  deep,
  large,
  JSON.stringify({ prompt: 'esc', responses: ['a', 'b'], scores: [1, 'x'], [esc]: 1 }),
  JSON.stringify({ prompt: `value ${esc}`, responses: ['a', 'b', 'c'], scores: [3, 2, 1] }),
  '{"prompt":"max","responses":["a","b","c"],"scores":[1.7976931348623157e308,1,-1.7976931348623157e308]}',
  '{"prompt":"subnormal","responses":["a","b","c"],"scores":[5e-324,1e-320,2e-323]}',
  '{"prompt":"tiny spread","responses":["a","b","c","d"],"scores":[1e-170,2e-170,3e-170,4e-170]}',
  '{"prompt":"ok","responses":["a","b","c","d"],"scores":[0.1,0.5,0.7,0.2],"policy_logps":[-1,-2,-3,-4],"reference_logps":[-1,-1,-1,-1]}',
].join('\n');
const pairs = [
  '\ufeff{"prompt":"p","chosen":"a","rejected":"b","score_chosen":2,"score_rejected":1}',
  `{"prompt":"p","chosen":"a","rejected":"b","x":${'['.repeat(5000)}${']'.repeat(5000)}}`,
  `{"prompt":"${'y'.repeat(20000)}","chosen":"a","rejected":"b"}`,
  JSON.stringify({ prompt: esc, chosen: 'a', rejected: 'b', score_chosen: 1.7976931348623157e308, score_rejected: -1.7976931348623157e308 }),
  '{"prompt":"q","chosen":"c","rejected":"d","score_chosen":3,"score_rejected":1}',
].join('\n');
const logps = [
  '\ufeff{"policy_chosen_logps":-1,"policy_rejected_logps":-2,"reference_chosen_logps":-1.5,"reference_rejected_logps":-1.5}',
  `{"policy_chosen_logps":-1,"policy_rejected_logps":-2,"reference_chosen_logps":-1,"reference_rejected_logps":-1,"x":${'['.repeat(5000)}${']'.repeat(5000)}}`,
  `{"policy_chosen_logps":[${'-0.1,'.repeat(5000)}-0.1],"policy_rejected_logps":-2,"reference_chosen_logps":-1,"reference_rejected_logps":-1}`,
  '{"policy_chosen_logps":1e308,"policy_rejected_logps":-1e308,"reference_chosen_logps":0,"reference_rejected_logps":0}',
].join('\n');
const judgments = [
  '\ufeff{"prompt":"a","comparisons":[[0,1,0.7],[1,2,0.6],[0,2,0.8]]}',
  '{"prompt":"big n","n":50000,"comparisons":[[0,1,0.7],[1,2,0.6]]}',
  '{"prompt":"huge index","comparisons":[[0,49999,0.7]]}',
  '{"prompt":"n 1e9","n":1e9,"comparisons":[[0,1,0.7]]}',
  `{"prompt":"deep","comparisons":[[0,1,0.7]],"x":${'['.repeat(5000)}${']'.repeat(5000)}}`,
].join('\n');
writeFileSync(at('cands.jsonl'), candidates);
writeFileSync(at('pairs.jsonl'), pairs);
writeFileSync(at('logps.jsonl'), logps);
writeFileSync(at('judge.jsonl'), judgments);

const COMMANDS: [string, string[]][] = [
  ['pairs', ['pairs', 'cands.jsonl', '-o', 'o-pairs.jsonl']],
  ['curate', ['curate', 'cands.jsonl', '-o', 'o-curate.jsonl']],
  ['select', ['select', 'cands.jsonl', '-o', 'o-select.jsonl', '--fraction', '1']],
  ['stats', ['stats', 'cands.jsonl', '--per-prompt', 'o-stats.jsonl']],
  ['convert', ['convert', 'cands.jsonl', '-o', 'o-convert.jsonl']],
  ['report', ['report', 'cands.jsonl', '-o', 'o-report.html']],
  ['augment', ['augment', 'pairs.jsonl', '-o', 'o-augment.jsonl', '--reward-conditioned']],
  ['route', ['route', 'pairs.jsonl', '--dpo', 'o-dpo.jsonl', '--sft', 'o-sft.jsonl', '--threshold', '1']],
  ['loss', ['loss', 'logps.jsonl', '-o', 'o-loss.jsonl', '--loss', 'sigmoid,ipo']],
  ['clean', ['clean', 'judge.jsonl', '-o', 'o-clean.jsonl']],
];

// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

describe('hostile records, every data command', () => {
  it.each(COMMANDS)('%s: no crash, rejects with reasons, counts that add up, a safe stderr', async (name, argv) => {
    const io = fakeIo({ cwd: dir });
    const code = await run(['--max-record-bytes', '16384', ...argv], io);
    expect(code, io.err()).toBe(0);
    expect(RAW_CONTROL.test(io.err()), io.err()).toBe(false);
    const outIdx = argv.indexOf('-o') >= 0 ? argv.indexOf('-o') : argv.indexOf('--dpo') >= 0 ? argv.indexOf('--dpo') : argv.indexOf('--per-prompt');
    if (name === 'report') return;
    const out = argv[outIdx + 1]!;
    const m = JSON.parse(readFileSync(at(`${out}.manifest.json`), 'utf8'));
    const r = m.records;
    expect(r.read, name).toBe(r.written + r.no_pair + r.rejected);
    const rejects = readFileSync(at(`${out}.rejects.jsonl`), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rejects.length).toBe(r.rejected);
    const reasons = rejects.map((x) => x.reason);
    // Line 1 (after the BOM) is a good record, never a reject.
    expect(rejects.some((x) => x.line === 1), name).toBe(false);
    expect(reasons, name).toContain('too_deep');
    if (name !== 'clean') expect(reasons, name).toContain('too_large');
    // Every output line is JSON.
    for (const l of readFileSync(at(out), 'utf8').split('\n').filter(Boolean)) JSON.parse(l);
  });

  it('clean bounds n by the record itself: a 75-byte record cannot ask for a 50,000 x 50,000 matrix', async () => {
    const io = fakeIo({ cwd: dir });
    expect(await run(['clean', 'judge.jsonl', '-o', 'o-clean2.jsonl'], io)).toBe(0);
    const rejects = readFileSync(at('o-clean2.jsonl.rejects.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { line: number; reason: string; field: string });
    for (const line of [2, 3, 4]) expect(rejects.find((x) => x.line === line), `line ${line}`).toMatchObject({ reason: 'out_of_range' });
  });
});
