// The browser app: `npm run build:web` builds web/ into dist-web/ (plain files for any static host, relative
// URLs, the worker and both WASM builds inside the JS); `npm run web` builds and serves it on 127.0.0.1.
// The form's flags, defaults and help come from the CLI's own curate command (the module `virtual:curate-cli`).
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { curateCommand } from '../src/cli/commands/curate.js';
import type { CliContext } from '../src/cli/context.js';
import { cliOptions } from './cli-options.js';

const ID = 'virtual:curate-cli';

/** Serves the CLI's curate options as a module (the command is only built, never run: no context is needed). */
function curateCli(): Plugin {
  const code = `export default ${JSON.stringify(cliOptions(curateCommand({} as CliContext)))};`;
  return {
    name: 'pairsmith-curate-cli',
    resolveId: (id) => (id === ID ? `\0${ID}` : undefined),
    load: (id) => (id === `\0${ID}` ? code : undefined),
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  clearScreen: false,
  plugins: [curateCli()],
  worker: { format: 'es', plugins: () => [curateCli()] },
  build: {
    outDir: fileURLToPath(new URL('../dist-web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // The worker is inlined into the page's script (a blob: URL), so the page needs no request after it loads. The
    // engine's default build URLs (new URL('../build/<variant>.wasm', import.meta.url), unused here: the worker runs
    // the embedded builds) become data: URLs, since a relative URL cannot be resolved against a blob: worker's URL.
    assetsInlineLimit: (file) => (file.endsWith('.wasm') ? true : undefined),
    chunkSizeWarningLimit: 2048,
  },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1', port: 4173 },
});
