// `--config file.json` for curate: an object of option values (keys as the long option names, kebab-case or
// camelCase) applied where the command line did not set the option; parsed and checked like the flags.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { CliError, EXIT } from './io.js';

function camel(k: string): string {
  return k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

export function applyConfig(cmd: Command, path: string, cwd?: string): void {
  let cfg: unknown;
  try {
    cfg = JSON.parse(readFileSync(resolve(cwd ?? process.cwd(), path), 'utf8'));
  } catch (e) {
    throw new CliError(`--config ${path}: ${(e as Error).message}`, EXIT.USAGE);
  }
  if (cfg === null || typeof cfg !== 'object' || Array.isArray(cfg)) throw new CliError(`--config ${path}: expected a JSON object of options`, EXIT.USAGE);
  for (const [key, value] of Object.entries(cfg as Record<string, unknown>)) {
    const name = camel(key);
    const opt = cmd.options.find((o) => o.attributeName() === name);
    if (!opt || name === 'config') throw new CliError(`--config ${path}: unknown option '${key}'`, EXIT.USAGE);
    const src = cmd.getOptionValueSource(name);
    if (src === 'cli' || src === 'env') continue;
    let v: unknown = value;
    if (opt.isBoolean()) {
      if (typeof value !== 'boolean') throw new CliError(`--config ${path}: '${key}' must be true or false`, EXIT.USAGE);
    } else {
      const text = String(value);
      if (opt.argChoices && !opt.argChoices.includes(text)) throw new CliError(`--config ${path}: '${key}' must be one of ${opt.argChoices.join(', ')}, got '${text}'`, EXIT.USAGE);
      try {
        v = opt.parseArg ? opt.parseArg(text, undefined) : text;
      } catch (e) {
        throw new CliError(`--config ${path}: '${key}': ${(e as Error).message}`, EXIT.USAGE);
      }
    }
    cmd.setOptionValueWithSource(name, v, 'config');
  }
}
