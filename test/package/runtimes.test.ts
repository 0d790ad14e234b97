// The README's runtime examples, verbatim, with the packed package: app.mjs under Node, Bun and Deno, worker.js
// under workerd through `wrangler dev`; and the CLI under Bun and Deno giving Node's output. The runtimes come
// from npm at test time (test/package/tools.ts); each part is skipped, with the reason, when its install fails.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { consumer, ROOT } from './packed.js';
import { findBinary, installTools } from './tools.js';

/** The README code block whose first line is `// <name>`. */
function readmeExample(name: string): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.startsWith(`// ${name}\n`));
  if (!block) throw new Error(`README.md has no js block starting with '// ${name}'`);
  return block;
}

const APP = readmeExample('app.mjs');
const EXPECTED = /\/\/ prints: (.*)\n/.exec(APP)![1]!;
const EMBEDDED_APP = APP.replace("from 'pairsmith'", "from 'pairsmith/embedded'");

function runIn(dir: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(cmd, args, { cwd: dir, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout.trim(), err: r.stderr };
}

const app = () => consumer('runtime', { 'app.mjs': APP, 'embedded.mjs': EMBEDDED_APP });

// The CLI of the packed package; `info --json` minus the runtime's version line, and a data command's rows.
const CLI = 'node_modules/pairsmith/dist/cli/pairsmith.js';
const SAMPLE = 'node_modules/pairsmith/examples/sample.candidates.jsonl';
const cliRuns = (run: (args: string[]) => ReturnType<typeof runIn>) => ({
  info: JSON.stringify({ ...JSON.parse(run(['info', '--json']).out), node: undefined }),
  pairs: run(['pairs', SAMPLE, '-o', '-', '--quiet']).out,
});

describe('runtimes (packed package)', () => {
  it("Node runs the README's app.mjs (the reference for the others)", () => {
    const r = runIn(app(), process.execPath, ['app.mjs']);
    expect(r.out).toBe(EXPECTED);
    expect(EXPECTED).toBe('wasm-simd {"sum":0.75,"nonFinite":1}');
  });

  it("Bun runs the README's app.mjs and the CLI as Node does", (ctx) => {
    const tools = installTools('bun', ['bun@1']);
    if (!tools.ok) return ctx.skip(tools.why);
    const bun = findBinary(tools.dir, ['node_modules/bun/bin/bun.exe', 'node_modules/@oven/bun-linux-x64/bin/bun', 'node_modules/@oven/bun-linux-x64-baseline/bin/bun']);
    if (!bun.ok) return ctx.skip(bun.why);
    const dir = app();
    expect(runIn(dir, bun.path, ['app.mjs']).out).toBe(EXPECTED);
    expect(runIn(dir, bun.path, ['embedded.mjs']).out).toBe(EXPECTED);
    expect(cliRuns((a) => runIn(dir, bun.path, [CLI, ...a]))).toEqual(cliRuns((a) => runIn(dir, process.execPath, [CLI, ...a])));
  }, 300_000);

  it("Deno runs the README's app.mjs with --allow-read, pairsmith/embedded with no permission, and the CLI", (ctx) => {
    const tools = installTools('deno', ['deno@2']);
    if (!tools.ok) return ctx.skip(tools.why);
    const deno = findBinary(tools.dir, ['node_modules/deno/deno', 'node_modules/@deno/linux-x64-glibc/deno']);
    if (!deno.ok) return ctx.skip(deno.why);
    const env = { DENO_DIR: join(tools.dir, 'deno-dir'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' };
    const dir = app();
    expect(runIn(dir, deno.path, ['run', '--allow-read', 'app.mjs'], env).out).toBe(EXPECTED);
    expect(runIn(dir, deno.path, ['run', 'embedded.mjs'], env).out).toBe(EXPECTED);
    // Without the permission the Node entry cannot read its builds: js, and a warning that says why.
    const denied = runIn(dir, deno.path, ['run', '--no-prompt', 'app.mjs'], env);
    expect(denied.out).toBe(EXPECTED.replace('wasm-simd', 'js'));
    expect(denied.err).toMatch(/pairsmith: running the js backend, not wasm-simd: simd build failed: .*read access/);
    const cli = (a: string[]) => runIn(dir, deno.path, ['run', '--allow-read', CLI, ...a], env);
    expect(cliRuns(cli)).toEqual(cliRuns((a) => runIn(dir, process.execPath, [CLI, ...a])));
  }, 300_000);

  it("workerd (wrangler dev) runs the README's worker.js: wasm-simd from the imported module; embedded cannot compile there", async (ctx) => {
    const tools = installTools('wrangler', ['wrangler@4']);
    if (!tools.ok) return ctx.skip(tools.why);
    const wrangler = join(tools.dir, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
    // The README's worker, plus a route that tries pairsmith/embedded (compiling bytes, which Workers forbid).
    const dir = consumer('workerd', {
      'worker.js': readmeExample('worker.js'),
      'test-worker.js': `import readme from './worker.js';
import { createEngine } from 'pairsmith/embedded';
export default {
  async fetch(request) {
    if (new URL(request.url).pathname !== '/embedded') return readme.fetch(request);
    const engine = await createEngine({ warn: false });
    return Response.json({ backend: engine.backend, reason: engine.fallbackReason });
  },
};
`,
      'wrangler.toml': 'name = "pairsmith-test"\nmain = "test-worker.js"\ncompatibility_date = "2025-01-01"\n',
    });
    const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1', XDG_CONFIG_HOME: join(tools.dir, 'config'), NO_COLOR: '1' };
    const child = spawn(process.execPath, [wrangler, 'dev', '--ip', '127.0.0.1', '--port', '0', '--inspector-port', '0'], {
      cwd: dir,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    try {
      const url = await new Promise<string>((ok, ko) => {
        const timer = setTimeout(() => ko(new Error(`wrangler dev did not start in 90 s:\n${log}`)), 90_000);
        const onData = (d: Buffer) => {
          log += d.toString();
          const m = /Ready on (http:\/\/127\.0\.0\.1:\d+)/.exec(log);
          if (m) {
            clearTimeout(timer);
            ok(m[1]!);
          }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.on('exit', (code) => ko(new Error(`wrangler dev exited with ${code}:\n${log}`)));
      });
      expect(await (await fetch(url)).json()).toEqual({ backend: 'wasm-simd', sum: 0.75, nonFinite: 1 });
      const embedded = (await (await fetch(`${url}/embedded`)).json()) as { backend: string; reason: string };
      expect(embedded.backend).toBe('js');
      expect(embedded.reason).toMatch(/simd build failed: .*[Cc]ode generation disallowed/);
    } finally {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
    }
  }, 300_000);
});
