// The CLI through run(argv, io): info on each backend, --version, --help, usage errors.
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { VERSION } from '../../src/version.js';
import { fakeIo } from '../helpers/cli.js';

describe('pairsmith info', () => {
  for (const backend of ['wasm-simd', 'wasm-scalar', 'js']) {
    it(`--backend ${backend} info reports that backend and a passing self-check`, async () => {
      const io = fakeIo();
      const code = await run(['--backend', backend, 'info', '--json'], io);
      expect(code).toBe(0);
      const info = JSON.parse(io.out());
      expect(info.backend).toBe(backend);
      expect(info.self_check.ok).toBe(true);
      expect(info.version).toBe(VERSION);
    });
  }

  it('auto prints a human summary with the backend and self-check', async () => {
    const io = fakeIo();
    expect(await run(['info'], io)).toBe(0);
    expect(io.out()).toMatch(/backend:\s+wasm-simd/);
    expect(io.out()).toMatch(/self-check:\s+ok/);
  });

  it('--version prints the version on stdout and exits 0', async () => {
    const io = fakeIo();
    expect(await run(['--version'], io)).toBe(0);
    expect(io.out().trim()).toBe(VERSION);
  });

  it('--help lists commands and examples on stdout', async () => {
    const io = fakeIo();
    expect(await run(['--help'], io)).toBe(0);
    expect(io.out()).toMatch(/Usage: pairsmith/);
    expect(io.out()).toMatch(/Examples:/);
    expect(io.err()).toBe('');
  });

  it('a bad backend or unknown command is a usage error (exit 2) on stderr', async () => {
    let io = fakeIo();
    expect(await run(['--backend', 'gpu', 'info'], io)).toBe(2);
    expect(io.err()).toMatch(/Allowed choices/);
    expect(io.out()).toBe('');
    io = fakeIo();
    expect(await run(['frobnicate'], io)).toBe(2);
    expect(io.err()).toMatch(/unknown command/);
  });
});
