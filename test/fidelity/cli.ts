// The fidelity tests' CLI harness: a temp directory, the CLI run in it, and its JSON Lines outputs and manifests.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/main.js';
import { fakeIo } from '../helpers/cli.js';

export function cliIn(name: string) {
  const dir = mkdtempSync(join(tmpdir(), `pairsmith-${name}-`));
  return {
    dir,
    cli: async (...argv: string[]) => {
      const io = fakeIo({ cwd: dir });
      const code = await run(argv, io);
      return { code, err: io.err(), out: io.out() };
    },
    rows: (f: string) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>),
    manifest: (f: string) => JSON.parse(readFileSync(join(dir, `${f}.manifest.json`), 'utf8')) as Record<string, any>,
  };
}

export function numpyAvailable(): boolean {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
