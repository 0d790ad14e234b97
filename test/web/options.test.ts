// The page's curate form against the CLI: every flag of `pairsmith curate` is a form field (or listed as not one,
// with the reason), the form starts at the CLI's defaults, a form's command line run by the CLI writes the manifest
// parameters the page computes, and values the CLI refuses are refused by the form with the same message.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { curateCommand } from '../../src/cli/commands/curate.js';
import type { CliContext } from '../../src/cli/context.js';
import { run } from '../../src/cli/main.js';
import { cliOptions } from '../../web/cli-options.js';
import { commandLine, curateSetup, defaultValues, fieldDefs, NOT_IN_FORM, shellWord, type FormValues } from '../../web/src/options.js';
import { fakeIo } from '../helpers/cli.js';

const cli = cliOptions(curateCommand({} as CliContext));
/** Curate flags the page has no field for yet (web/src is another area): left at the CLI default by the page. */
const NOT_YET_IN_FORM: Record<string, string> = {
  '--calibration': 'BeeS arithmetic (stable or official); the page runs the default, stable',
  '--scale-external': 'BeeS external margin factor; the page does not scale',
  '--grid-arms': 'grid arms deduplicated (the default) or independent; the page keeps the default',
};
const SAMPLE = resolve('examples/sample.candidates.jsonl');
const dir = mkdtempSync(join(tmpdir(), 'pairsmith-web-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function form(changes: FormValues): FormValues {
  return { ...defaultValues(cli), ...changes };
}

async function cliRun(argv: string[]): Promise<{ code: number; err: string; manifest?: Record<string, unknown> }> {
  const io = fakeIo({ cwd: dir });
  const code = await run(argv, io);
  const out = argv[argv.indexOf('-o') + 1]!;
  const manifest = code === 0 ? (JSON.parse(readFileSync(join(dir, `${out}.manifest.json`), 'utf8')) as Record<string, unknown>) : undefined;
  return { code, err: io.err(), manifest };
}

describe('the curate form and the CLI', () => {
  it('every curate flag is a form field or listed as not one, and no field is unknown to the CLI', () => {
    const flags = cli.map((o) => o.flag).sort();
    const shown = [...fieldDefs().map((f) => f.flag), ...Object.keys(NOT_IN_FORM), ...Object.keys(NOT_YET_IN_FORM)].sort();
    expect(shown).toEqual(flags);
  });

  it("starts at the CLI's defaults (switches off, no value where the CLI has none)", () => {
    const v = defaultValues(cli);
    expect(v['--strategy']).toBe('sweet-spot');
    expect(v['--format']).toBe('auto');
    expect(v['--min-gap']).toBe('0');
    expect(v['--eps']).toBe('0.000001');
    expect(v['--lower']).toBe('-2');
    expect(v['--keep-ties']).toBe(false);
    expect(v['--fraction']).toBe('');
    expect(v['--weights']).toBe('');
    expect(v['--output']).toBe('curated.jsonl');
    expect(v['--report']).toBe(true); // the page's own default: the report is shown
    for (const o of cli) {
      if (o.flag === '--output' || o.flag === '--report' || NOT_IN_FORM[o.flag] || NOT_YET_IN_FORM[o.flag]) continue;
      if (o.boolean) expect(v[o.flag], o.flag).toBe(o.default === true);
      else expect(v[o.flag], o.flag).toBe(o.default === undefined ? '' : String(o.default));
    }
  });

  it.each([
    ['defaults', {}],
    ['fraction, weights, routing by hard fraction', { '--fraction': '0.5', '--weights': 'rating-gap', '--route': true, '--hard-fraction': '0.25' }],
    ['positions, top, bounds, missing, all', { '--strategy': 'positions', '--chosen': 'mu+1sigma', '--rejected': 'min', '--top': '40', '--upper-external': '3', '--missing': 'drop', '--all': true, '--lower': '-1.5' }],
    ['logit transform, threshold routing with an sft name, augmentation', { '--transform': 'logit', '--min-gap': '0.1', '--route': true, '--threshold': '0.5', '--sft': 'easy.sft.jsonl', '--augment': true, '--template': "Aim for {g}: it's fine", '--placement': 'prefix', '--by': 'external' }],
    ['field overrides, fine-grained score, eps, beta, reduce, keep ties, fallback', { '--responses-field': 'responses', '--scores-field': 'scores', '--score': 'fine-grained', '--eps': '1e-4', '--beta': '0.1', '--reduce': 'mean', '--keep-ties': true, '--fallback': 'next-nearest', '--seed': '7', '--std': 'sample', '--threads': '1' }],
  ])("%s: the page's command line gives the CLI's manifest parameters", async (_name, changes) => {
    const s = curateSetup(form({ '--output': 'out.jsonl', ...changes }), cli);
    expect(s.errors).toEqual({});
    const argv = s.argv(SAMPLE);
    const r = await cliRun(argv);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(JSON.stringify(s.parameters))).toEqual(r.manifest!.parameters);
  });

  it.each([
    ['--fraction', { '--fraction': '0' }],
    ['--fraction', { '--fraction': '1.5' }],
    ['--top', { '--top': '2.5' }],
    ['--eps', { '--eps': '0.7' }],
    ['--seed', { '--seed': '-1' }],
    ['--min-gap', { '--min-gap': 'x' }],
    ['--rejected', { '--rejected': 'mu-two-sigma' }],
    ['--chosen', { '--chosen': 'max' }],
    ['--top', { '--fraction': '0.5', '--top': '5' }],
    ['--route', { '--route': true }],
    ['--route', { '--route': true, '--threshold': '1', '--hard-fraction': '0.1' }],
    ['--route', { '--threshold': '1' }],
    ['--template', { '--augment': true, '--template': 'no goal here' }],
    ['--chosen', { '--strategy': 'positions', '--chosen': 'min', '--rejected': 'max' }],
    ['--prompt-field', { '--prompt-field': 'a..b' }],
    ['--threads', { '--threads': '0' }],
  ])('%s %j: refused by the form and by the CLI, with the same message', async (flag, changes) => {
    const s = curateSetup(form({ '--output': 'bad.jsonl', ...changes }), cli);
    const msg = s.errors[flag];
    expect(msg, JSON.stringify(s.errors)).toBeTruthy();
    const r = await cliRun(s.argv(SAMPLE));
    expect(r.code).toBe(2);
    expect(r.err).toContain(msg!);
  });

  it('quotes what a shell would split or expand', () => {
    expect(shellWord('mu-2sigma')).toBe('mu-2sigma');
    expect(shellWord("it's {g}")).toBe(`'it'\\''s {g}'`);
    expect(commandLine(['curate', 'my file.jsonl', '-o', 'x.jsonl'])).toBe("pairsmith curate 'my file.jsonl' -o x.jsonl");
  });

  it('names: .parquet output, SFT and report beside it; an unknown extension is refused', () => {
    const s = curateSetup(form({ '--output': 'dpo.parquet', '--route': true, '--threshold': '0' }), cli);
    expect([s.outputKind, s.sft, s.report]).toEqual(['parquet', 'dpo.sft.jsonl', 'dpo.report.html']);
    const off = curateSetup(form({ '--report': false }), cli);
    expect(off.report).toBeUndefined();
    expect(off.argv('x.jsonl')).not.toContain('--report');
    expect(curateSetup(form({ '--output': 'out.csv' }), cli).errors['--output']).toMatch(/\.jsonl or \.parquet/);
  });
});
