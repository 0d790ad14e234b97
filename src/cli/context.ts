// Shared per-run state for commands: the io, the global options and the lazily created engine.
import type { Backend, Engine } from '../engine.js';
import { createEngine } from '../node.js';
import type { CliIo } from './io.js';

export interface GlobalOptions {
  backend: Backend | 'auto';
  quiet: boolean;
  /** Records over this many bytes are rejected as too_large (default 256 MiB). */
  maxRecordBytes?: number;
  /** Records nested deeper are rejected as too_deep (default 512). */
  maxDepth?: number;
}

export class CliContext {
  private enginePromise: Promise<Engine> | undefined;
  constructor(
    readonly io: CliIo,
    readonly globals: () => GlobalOptions,
  ) {}

  /** The engine for this run, created on first use with the global --backend. */
  engine(): Promise<Engine> {
    this.enginePromise ??= createEngine({ backend: this.globals().backend });
    return this.enginePromise;
  }

  /** A diagnostic line on stderr (suppressed by --quiet). */
  info(line: string): void {
    if (!this.globals().quiet) this.io.stderr(line.endsWith('\n') ? line : `${line}\n`);
  }
}
