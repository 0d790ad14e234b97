// Column schemas of the formats pairsmith writes (Parquet's typed columns; a schema is fixed per output so every
// row of a file has the same column types), and the HH dialogue form of a pair.
import { HH_ASSISTANT, promptString, responseString } from './text.js';
import type { Text } from './types.js';

/** Column types a writer understands. `messages` = list<struct<role: string, content: string>>. */
export type ColumnType = 'string' | 'double' | 'int' | 'bool' | 'messages' | 'list<double>' | 'list<string>' | 'list<messages>';

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  /** Whether the value may be null/absent (default true). */
  nullable?: boolean;
}

/** Output targets of `convert --to`. */
export const TARGETS = ['trl', 'trl-conversational', 'kto', 'candidates', 'onpolicy', 'hh-rlhf'] as const;
export type Target = (typeof TARGETS)[number];

/** A preference pair to write: prompt/chosen/rejected plus optional scores. */
export interface Pair {
  prompt: Text;
  chosen: Text;
  rejected: Text;
  scoreChosen?: number | null;
  scoreRejected?: number | null;
}

/** TRL preference rows (explicit prompt): standard strings or conversational messages. */
export function trlSchema(conversational: boolean, withScores: boolean): ColumnSpec[] {
  const t: ColumnType = conversational ? 'messages' : 'string';
  const cols: ColumnSpec[] = [
    { name: 'prompt', type: t, nullable: false },
    { name: 'chosen', type: t, nullable: false },
    { name: 'rejected', type: t, nullable: false },
  ];
  if (withScores) cols.push({ name: 'score_chosen', type: 'double' }, { name: 'score_rejected', type: 'double' });
  return cols;
}

/** KTO unpaired rows: `prompt`, `completion`, `label` (TRL's unpaired preference type). */
export function ktoSchema(conversational: boolean): ColumnSpec[] {
  const t: ColumnType = conversational ? 'messages' : 'string';
  return [
    { name: 'prompt', type: t, nullable: false },
    { name: 'completion', type: t, nullable: false },
    { name: 'label', type: 'bool', nullable: false },
  ];
}

/** Our generic candidates form. */
export function candidatesSchema(conversational: boolean): ColumnSpec[] {
  return [
    { name: 'id', type: 'string' },
    { name: 'prompt', type: conversational ? 'messages' : 'string', nullable: false },
    { name: 'responses', type: conversational ? 'list<messages>' : 'list<string>', nullable: false },
    { name: 'scores', type: 'list<double>', nullable: false },
  ];
}

/** The on-policy (princeton-nlp armorm) form: `prompt_id`, `prompt`, `all_generated_responses`, `all_rm_scores`. */
export function onpolicySchema(conversational: boolean): ColumnSpec[] {
  return [
    { name: 'prompt_id', type: 'string' },
    { name: 'prompt', type: conversational ? 'messages' : 'string', nullable: false },
    { name: 'all_generated_responses', type: conversational ? 'list<messages>' : 'list<string>', nullable: false },
    { name: 'all_rm_scores', type: 'list<double>', nullable: false },
  ];
}

/** Anthropic HH form: `chosen` and `rejected` full dialogues ("\n\nHuman: ...\n\nAssistant: ..."). */
export function hhSchema(): ColumnSpec[] {
  return [
    { name: 'chosen', type: 'string', nullable: false },
    { name: 'rejected', type: 'string', nullable: false },
  ];
}

function hhPrompt(t: Text): string {
  if (typeof t === 'string') return /^\s*\n\nHuman:/.test(t) ? t : `\n\nHuman: ${t}${HH_ASSISTANT}`;
  const s = promptString(t);
  return s.startsWith('\n\n') ? s : `\n\nHuman: ${s}${HH_ASSISTANT}`;
}

export function hhRow(p: Pair): { chosen: string; rejected: string } {
  const prompt = hhPrompt(p.prompt);
  const reply = (t: Text): string => {
    const r = responseString(t);
    return r.startsWith(' ') ? r : ` ${r}`;
  };
  return { chosen: prompt + reply(p.chosen), rejected: prompt + reply(p.rejected) };
}
