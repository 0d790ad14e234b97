// The CLI's curate options as plain data (flag, help text, default, choices), read from the commander definition of
// `pairsmith curate` itself, so the page's form shows the CLI's defaults and help without a copy. Node side: the
// Vite config serves it to the page as the module `virtual:curate-cli`; the tests call it directly.
import type { Command } from 'commander';

export interface CliOption {
  /** The long flag, e.g. `--min-gap`. */
  flag: string;
  /** commander's attribute name, e.g. `minGap`. */
  attr: string;
  description: string;
  /** The default value (undefined: none). */
  default?: string | number | boolean;
  choices?: string[];
  /** A switch (no value). */
  boolean: boolean;
}

export function cliOptions(cmd: Command): CliOption[] {
  return cmd.options.map((o) => {
    const out: CliOption = { flag: o.long ?? o.flags, attr: o.attributeName(), description: o.description, boolean: o.isBoolean() };
    if (o.defaultValue !== undefined) out.default = o.defaultValue as string | number | boolean;
    if (o.argChoices) out.choices = [...o.argChoices];
    return out;
  });
}
