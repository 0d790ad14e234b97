// The README's data-path library examples, verbatim: every js block whose first line is `// <name>.mjs` in the
// sections "Library" (curate) and "Library: reading and writing datasets" runs as its own file in a fresh Node
// process, on the built package (dist/; the global setup builds it when missing), in a scratch directory holding
// the inputs they name. Their results are checked against the README's comments and against the CLI.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const DIR = join(ROOT, 'test-output', 'readme-datasets');
const CLI = join(ROOT, 'dist', 'cli', 'pairsmith.js');
const SAMPLE = join(ROOT, 'examples', 'sample.candidates.jsonl');

/** The README js block whose first line is `// <name>`. */
function block(name: string): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const m = new RegExp('```js\\n(// ' + name.replace('.', '\\.') + '\\n[\\s\\S]*?)```').exec(readme);
  if (!m) throw new Error(`README.md has no js block starting with '// ${name}'`);
  return m[1]!;
}

/** The names of all such blocks (so a new example cannot go untested). */
function blockNames(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const from = readme.indexOf('### Library\n');
  const to = readme.indexOf('## Losses\n');
  return [...readme.slice(from, to).matchAll(/```js\n\/\/ (\S+\.mjs)\n/g)].map((m) => m[1]!);
}

/** Runs a block (imports of `pairsmith` / `pairsmith/node` pointed at dist/node.js) plus `check`, which prints JSON. */
function run(name: string, check: string): Record<string, unknown> {
  const node = pathToFileURL(join(ROOT, 'dist', 'node.js')).href;
  const code = block(name).replace(/from 'pairsmith(\/node)?'/g, `from '${node}'`);
  expect(code, `${name} imports the package`).toContain(node);
  writeFileSync(join(DIR, name), `${code}\nconsole.log('@@' + JSON.stringify(await (async () => {\n${check}\n})()));\n`);
  const out = execFileSync(process.execPath, [name], { cwd: DIR, encoding: 'utf8' });
  const line = out.split('\n').find((l) => l.startsWith('@@'));
  if (!line) throw new Error(`${name} printed no result: ${out}`);
  return JSON.parse(line.slice(2)) as Record<string, unknown>;
}

function cli(args: string[]): void {
  execFileSync(process.execPath, [CLI, '-q', ...args], { cwd: DIR, stdio: 'pipe' });
}

const jsonl = (file: string): unknown[] =>
  readFileSync(join(DIR, file), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as unknown);

beforeAll(() => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  writeFileSync(join(DIR, 'samples.jsonl.gz'), gzipSync(readFileSync(SAMPLE)));
  // Two good rows, one of the wrong type, one malformed.
  writeFileSync(
    join(DIR, 'logps.jsonl'),
    '{"policy_chosen_logps": -1.5}\n{"policy_chosen_logps": "x"}\n{"policy_chosen_logps": -2.25}\n{"policy_chosen_logps": [nul]}\n',
  );
});

describe('README data-path library examples', () => {
  it('every example block of the two Library sections is run here', () => {
    expect(blockNames().sort()).toEqual(['curate-files.mjs', 'curate.mjs', 'pairs-memory.mjs', 'rows.mjs']);
  });

  it('curate.mjs gives the documented rows, counts, reject and selection', () => {
    const r = run(
      'curate.mjs',
      `return { rows: run.rows, by: run.by, tally: run.tally,
        rejects: rejects.map((x) => ({ file: x.file, line: x.line, field: x.field, reason: x.reason })), order: Array.from(sel.order), s0: sel.score[0] };`,
    );
    const rows = r.rows as Record<string, unknown>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ prompt: 'Q1', chosen: 'e', rejected: 'a', score_chosen: 1.4, score_rejected: -1.2, margin: 2.5999999999999996, prompt_index: 0, chosen_index: 4, rejected_index: 0, selected: 1 });
    expect(r.by).toBe('external');
    const tally = r.tally as { excluded: Record<string, number>; rejected: Record<string, number>; recordsRead: number };
    expect(tally.recordsRead).toBe(3);
    expect(tally.excluded.score_null).toBe(1);
    expect(tally.rejected.wrong_type).toBe(1);
    expect(r.rejects).toEqual([{ file: 'input', line: 3, field: 'scores.1', reason: 'wrong_type' }]);
    expect(r.order).toEqual([7, 6, 1, 4, 0, 3, 5, 2]);
    expect(Math.abs((r.s0 as number) - 0.5)).toBeLessThan(1e-6);
  });

  it('curate-files.mjs writes the Parquet rows and counts of `pairsmith curate --fraction 0.1`, atomically', async () => {
    const r = run(
      'curate-files.mjs',
      `const { readFileSync } = await import('node:fs');
      return { rejects: rejects.map((x) => [x.line, x.reason]), manifest: JSON.parse(readFileSync('curated.parquet.manifest.json', 'utf8')) };`,
    );
    cli(['curate', 'samples.jsonl.gz', '-o', 'cli.parquet', '--fraction', '0.1']);
    const { parquetReadObjects, asyncBufferFromFile } = await import('hyparquet');
    const read = async (f: string) => (await parquetReadObjects({ file: await asyncBufferFromFile(join(DIR, f)) })) as Record<string, unknown>[];
    const mine = await read('curated.parquet');
    const want = await read('cli.parquet');
    expect(mine.length).toBeGreaterThan(0);
    expect(mine).toEqual(want);
    const m = r.manifest as Record<string, unknown>;
    const cliManifest = JSON.parse(readFileSync(join(DIR, 'cli.parquet.manifest.json'), 'utf8')) as Record<string, unknown>;
    for (const k of ['records', 'rejected_by_reason', 'no_pair_by_reason', 'candidates', 'excluded_by_reason', 'rows_written', 'report']) expect(m[k], k).toEqual(cliManifest[k]);
    const rejects = jsonl('cli.parquet.rejects.jsonl') as { line: number; reason: string }[];
    expect(r.rejects).toEqual(rejects.map((x) => [x.line, x.reason]));
    expect(readdirSync(DIR).filter((f) => f.includes('pairsmith-tmp'))).toEqual([]);
  });

  it('pairs-memory.mjs gives the rows of `pairsmith pairs --strategy max-min`', () => {
    const r = run('pairs-memory.mjs', 'return { rows: sink.rows(), read: r.tally.recordsRead, notMin: r.report.rejected_not_min };');
    cli(['pairs', 'samples.jsonl.gz', '-o', 'cli-pairs.jsonl', '--strategy', 'max-min']);
    const want = jsonl('cli-pairs.jsonl');
    expect(r.rows).toEqual(want);
    expect(want.length).toBeGreaterThan(0);
    expect(r.read).toBe(200);
    expect(r.notMin).toBe(0);
  });

  it('rows.mjs checks rows with its adapter: FieldProblem and malformed records are rejected and counted', () => {
    const r = run(
      'rows.mjs',
      'return { sum, read: job.tally.recordsRead, rejected: job.tally.rejected, rejects: rejects.map((x) => [x.line, x.field, x.reason]) };',
    );
    expect(r.sum).toBe(-3.75);
    expect(r.read).toBe(4);
    expect(r.rejects).toEqual([
      [2, 'policy_chosen_logps', 'wrong_type'],
      [4, null, 'malformed_json'],
    ]);
    expect((r.rejected as Record<string, number>).wrong_type).toBe(1);
  });

  it('the examples import only names the package exports', async () => {
    const mod = (await import(pathToFileURL(join(ROOT, 'dist', 'node.js')).href)) as Record<string, unknown>;
    for (const name of blockNames()) {
      const code = block(name);
      for (const m of code.matchAll(/import \{([^}]*)\} from 'pairsmith(?:\/node)?'/g)) {
        for (const id of m[1]!.split(',').map((x) => x.trim()).filter(Boolean)) expect(mod[id], `${name}: ${id}`).toBeDefined();
      }
    }
    expect(existsSync(CLI)).toBe(true);
  });
});
