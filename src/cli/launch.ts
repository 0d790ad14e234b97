#!/usr/bin/env node
// The package's bin (bundled as dist/cli/pairsmith.js): runs the CLI bundle beside it with V8's code cache of it.
import { runBundle } from './code-cache.js';

runBundle(new URL('./pairsmith.cjs', import.meta.url));
