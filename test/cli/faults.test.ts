// Faults, run as a user would meet them, on the real executable (dist/cli/bin.js) in child processes: every writer
// into a full disk (a small tmpfs, and /dev/full), a closed pipe, a read-only file system, a directory the user may
// not write, a device, a FIFO, a symlink, the input itself as output, and SIGINT / SIGTERM / SIGHUP / SIGKILL during a
// run. Checked: exit codes, the one-line message, the final files, and that no temp file is left behind.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = resolve('dist/cli/bin.js');
const SAMPLE = resolve('examples/sample.candidates.jsonl');
const root = mkdtempSync(join(tmpdir(), 'pairsmith-faults-'));
chmodSync(root, 0o755);
const mounts: string[] = [];
afterAll(() => {
  for (const m of mounts) spawnSync('umount', [m]);
  rmSync(root, { recursive: true, force: true });
});

function dir(name: string): string {
  const d = join(root, name);
  mkdirSync(d, { recursive: true });
  chmodSync(d, 0o755);
  return d;
}

interface Done {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

function cli(args: string[], cwd: string, prefix: string[] = []): Done {
  const cmd = [...prefix, process.execPath, BIN, ...args];
  const r = spawnSync(cmd[0]!, cmd.slice(1), { cwd, encoding: 'utf8' });
  return { code: r.status, signal: r.signal, out: r.stdout, err: r.stderr };
}

/** A tmpfs of `kb` KiB at a new directory (read-only with `ro`), or null where mounting is not allowed. */
function tmpfs(name: string, kb: number, ro = false): string | null {
  const d = dir(name);
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${kb}k,mode=0755${ro ? ',ro' : ''}`, 'tmpfs', d], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  mounts.push(d);
  return d;
}

const canMount = (() => {
  const d = tmpfs('probe', 16);
  if (!d) console.warn('skipping the tmpfs fault cases: mounting a tmpfs is not allowed here (the /dev/full case still runs)');
  return d !== null;
})();

const temps = (d: string): string[] => readdirSync(d).filter((f) => f.includes('.pairsmith-tmp-'));

describe('write errors end the run: exit 4, one line naming the file, nothing left behind', () => {
  it.skipIf(!canMount)('a full disk, for every writer (JSON Lines, gzip, Parquet, the HTML report) and for curate', () => {
    const full = tmpfs('full', 24)!;
    const cases: string[][] = [
      ['pairs', SAMPLE, '-o', 'full/o.jsonl'],
      ['pairs', SAMPLE, '-o', 'full/o.parquet'],
      ['convert', SAMPLE, '-o', 'full/o.jsonl.gz', '--to', 'kto'],
      ['curate', SAMPLE, '-o', 'full/c.jsonl', '--fraction', '1'],
      ['report', SAMPLE, '-o', 'full/r.html'],
    ];
    // Make the gzip case overflow too: a repeated sample compresses well, so give it more rows.
    const big = join(root, 'big.jsonl');
    writeFileSync(big, readFileSync(SAMPLE, 'utf8').repeat(6));
    cases[2]![1] = big;
    for (const args of cases) {
      const r = cli(args, root);
      expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(4);
      const target = args[args.indexOf('-o') + 1]!;
      // The output or one of its sidecars (whichever fills the disk first) is named.
      expect(r.err).toMatch(new RegExp(`pairsmith: cannot write ${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\.rejects\\.jsonl|\\.manifest\\.json)?: no space left on the device\\n$`));
      expect(readdirSync(full), args.join(' ')).toEqual([]);
    }
  });

  it('a full device (/dev/full, written through)', () => {
    const r = cli(['pairs', SAMPLE, '-o', '/dev/full'], root);
    expect(r.code).toBe(4);
    expect(r.err).toMatch(/cannot write \/dev\/full: no space left on the device/);
  });

  it('a closed pipe: convert -o - | head -c 100', async () => {
    // Enough rows that the writer is still writing when the reader goes away.
    const big = join(root, 'pipe.jsonl');
    writeFileSync(big, readFileSync(SAMPLE, 'utf8').repeat(20));
    const child = spawn(process.execPath, [BIN, 'convert', big, '--to', 'kto'], { cwd: root });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    let got = 0;
    child.stdout.on('data', (b: Buffer) => {
      got += b.length;
      if (got >= 100) child.stdout.destroy();
    });
    const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
    expect(code).toBe(4);
    expect(err).toMatch(/pairsmith: cannot write standard output: the reading end was closed\n$/);
  });

  it.skipIf(!canMount)('a read-only file system', () => {
    const ro = tmpfs('ro', 64, true)!;
    const r = cli(['pairs', SAMPLE, '-o', 'ro/o.jsonl'], root);
    expect(r.code).toBe(4);
    expect(r.err).toMatch(/cannot write ro\/o\.jsonl: read-only file system/);
    expect(readdirSync(ro)).toEqual([]);
  });

  const asNobody = process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0;
  it.skipIf(!asNobody)('a directory the user may not write (EACCES, run as nobody)', () => {
    const locked = dir('locked');
    const r = cli(['pairs', SAMPLE, '-o', 'locked/o.jsonl'], root, ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']);
    expect(r.code, r.err).toBe(4);
    expect(r.err).toMatch(/cannot write locked\/o\.jsonl: permission denied/);
    expect(readdirSync(locked)).toEqual([]);
  });
});

describe('outputs that are not regular files', () => {
  it('a device is written through and stays a device; no sidecars are made next to it', () => {
    const r = cli(['pairs', SAMPLE, '-o', '/dev/null'], root);
    expect(r.code, r.err).toBe(0);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    expect(existsSync('/dev/null.manifest.json')).toBe(false);
    expect(existsSync('/dev/null.rejects.jsonl')).toBe(false);
    // The counts are on stderr instead, with the rejected records named.
    expect(r.err).toMatch(/pairs: 200 records read/);
    expect(r.err).toMatch(/rejected .*:42:-: malformed_json/);
  });

  it('a FIFO is written through (the reader gets the rows) and stays a FIFO', async () => {
    const d = dir('fifo');
    expect(spawnSync('mkfifo', [join(d, 'p')]).status).toBe(0);
    const reader = spawn('sh', ['-c', `cat ${join(d, 'p')} > ${join(d, 'got.jsonl')}`]);
    const done = new Promise<void>((res) => reader.on('exit', () => res()));
    const child = spawn(process.execPath, [BIN, 'pairs', SAMPLE, '-o', 'p'], { cwd: d });
    const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
    await done;
    expect(code).toBe(0);
    expect(lstatSync(join(d, 'p')).isFIFO()).toBe(true);
    expect(readFileSync(join(d, 'got.jsonl'), 'utf8').split('\n').filter(Boolean)).toHaveLength(194);
  });

  it('a symlink is followed: its target is replaced atomically, the link stays', () => {
    const d = dir('link');
    writeFileSync(join(d, 'target.jsonl'), 'old\n');
    symlinkSync('target.jsonl', join(d, 'link.jsonl'));
    const r = cli(['pairs', SAMPLE, '-o', 'link.jsonl'], d);
    expect(r.code, r.err).toBe(0);
    expect(lstatSync(join(d, 'link.jsonl')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(d, 'target.jsonl'), 'utf8').split('\n').filter(Boolean)).toHaveLength(194);
    expect(temps(d)).toEqual([]);
  });

  it('the input itself as output is refused (exit 2), also through a symlink; the input is untouched', () => {
    const d = dir('same');
    copyFileSync(SAMPLE, join(d, 'in.jsonl'));
    symlinkSync('in.jsonl', join(d, 'alias.jsonl'));
    const before = readFileSync(join(d, 'in.jsonl'));
    for (const o of ['in.jsonl', 'alias.jsonl', './in.jsonl']) {
      const r = cli(['pairs', 'in.jsonl', '-o', o], d);
      expect(r.code, o).toBe(2);
      expect(r.err).toMatch(/is the input file: refusing to overwrite it/);
    }
    expect(readFileSync(join(d, 'in.jsonl')).equals(before)).toBe(true);
    expect(readdirSync(d).sort()).toEqual(['alias.jsonl', 'in.jsonl']);
  });
});

describe('signals', () => {
  /** A two-pass run reading stdin (so a stdin spool and an output temp file exist), held open mid-run. */
  async function interrupted(d: string, sig: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; err: string; spool: string[]; pid: number }> {
    const child = spawn(process.execPath, [BIN, 'select', '-', '-o', 'out.jsonl', '--fraction', '0.5'], { cwd: d });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const lines = readFileSync(SAMPLE, 'utf8').split('\n');
    child.stdin.write(`${lines.slice(0, 60).join('\n')}\n`);
    const spoolOf = () => readdirSync(tmpdir()).filter((f) => f.startsWith(`pairsmith-stdin-${child.pid}-`));
    for (let i = 0; i < 200 && (temps(d).length < 2 || spoolOf().length === 0); i++) await new Promise((r) => setTimeout(r, 25));
    // The output's and the rejects file's temp files.
    expect(temps(d).length, 'the output temp files exist mid-run').toBe(2);
    const spool = spoolOf();
    expect(spool.length, 'the stdin spool exists mid-run').toBe(1);
    child.kill(sig);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((res) => child.on('exit', (c, s) => res([c, s])));
    return { code, signal, err, spool, pid: child.pid! };
  }

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('%s: temp files and the stdin spool are removed, exit %i', async (sig, code) => {
    const d = dir(`sig-${sig}`);
    const r = await interrupted(d, sig);
    expect(r.code).toBe(code);
    expect(r.err).toMatch(new RegExp(`interrupted by ${sig}; no output was written`));
    expect(readdirSync(d)).toEqual([]);
    for (const s of r.spool) expect(existsSync(join(tmpdir(), s))).toBe(false);
    // The run's other temp files (its spools) are gone too.
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith(`pairsmith-spool-${r.pid}-`))).toEqual([]);
  });

  it('SIGKILL leaves a temp file; the next run to the same output removes it and says so', async () => {
    const d = dir('sig-KILL');
    const r = await interrupted(d, 'SIGKILL');
    expect(r.signal).toBe('SIGKILL');
    expect(temps(d)).toHaveLength(2);
    // Nothing can remove a killed run's temp files in the temp folder: the test does.
    for (const s of r.spool) rmSync(join(tmpdir(), s), { force: true });
    for (const f of readdirSync(tmpdir()).filter((x) => x.startsWith(`pairsmith-spool-${r.pid}-`))) rmSync(join(tmpdir(), f), { force: true });
    const again = cli(['select', SAMPLE, '-o', 'out.jsonl', '--fraction', '0.5'], d);
    expect(again.code, again.err).toBe(0);
    expect(again.err).toMatch(/removed 1 temp file\(s\) left by an interrupted run: .*out\.jsonl\.pairsmith-tmp-/);
    expect(again.err).toMatch(/removed 1 temp file\(s\) left by an interrupted run: .*out\.jsonl\.rejects\.jsonl\.pairsmith-tmp-/);
    expect(temps(d)).toEqual([]);
    expect(readdirSync(d).sort()).toEqual(['out.jsonl', 'out.jsonl.manifest.json', 'out.jsonl.rejects.jsonl']);
  });
});

describe('exit codes', () => {
  it('0 success, 2 usage, 3 bad input, 4 output (as the README table says)', () => {
    const d = dir('codes');
    expect(cli(['pairs', SAMPLE, '-o', 'ok.jsonl'], d).code).toBe(0);
    expect(cli(['pairs', SAMPLE, '--no-such-option'], d).code).toBe(2);
    expect(cli([], d).code).toBe(2);
    expect(cli(['pairs', SAMPLE, '-o', 'x.jsonl', '--on-error', 'fail'], d).code).toBe(3);
    expect(cli(['pairs', 'missing.jsonl', '-o', 'x.jsonl'], d).code).toBe(3);
    expect(cli(['pairs', SAMPLE, '-o', '/dev/full'], d).code).toBe(4);
    const readme = readFileSync('README.md', 'utf8');
    for (const [code, what] of [
      [0, 'success'],
      [1, 'unexpected'],
      [2, 'usage'],
      [3, 'bad input'],
      [4, 'write'],
      [130, 'SIGINT'],
      [143, 'SIGTERM'],
      [129, 'SIGHUP'],
    ] as const) {
      expect(readme, `README exit code ${code}`).toMatch(new RegExp(`\\| \`${code}\` \\|[^\\n]*${what}`, 'i'));
    }
  });
});
