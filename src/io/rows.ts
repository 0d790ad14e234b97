// Output rows for the formats pairsmith writes, and their column schemas (for Parquet's typed columns).
// A schema is fixed per output so every row of a file has the same column types.
import { HH_ASSISTANT, promptMessages, promptString, responseMessages, responseString } from './text.js';
import type { CandidateRecord, PairRecord, Text } from './types.js';

/** Column types a writer understands. `messages` = list<struct<role: string, content: string>>. */
export type ColumnType = 'string' | 'double' | 'int' | 'bool' | 'messages' | 'list<double>' | 'list<string>' | 'list<messages>';

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  /** Whether the value may be null/absent (default true). */
  nullable?: boolean;
}

export type OutputRow = Record<string, unknown>;

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

/**
 * A response as messages. After an HH prompt ("...\n\nAssistant:") a string response starts with the space
 * that followed the marker; as a message of its own that space is dropped.
 */
function replyMessages(prompt: Text, t: Text): Text {
  if (typeof prompt === 'string' && typeof t === 'string' && prompt.endsWith(HH_ASSISTANT) && t.startsWith(' ')) {
    return responseMessages(t.slice(1));
  }
  return responseMessages(t);
}

export function trlRow(p: Pair, conversational: boolean, withScores: boolean): OutputRow {
  const row: OutputRow = conversational
    ? { prompt: promptMessages(p.prompt), chosen: replyMessages(p.prompt, p.chosen), rejected: replyMessages(p.prompt, p.rejected) }
    : { prompt: promptString(p.prompt), chosen: responseString(p.chosen), rejected: responseString(p.rejected) };
  if (withScores) {
    row.score_chosen = p.scoreChosen ?? null;
    row.score_rejected = p.scoreRejected ?? null;
  }
  return row;
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

/** One pair -> two KTO rows: chosen labelled true, rejected labelled false. */
export function ktoRows(p: Pair, conversational: boolean): OutputRow[] {
  const prompt = conversational ? promptMessages(p.prompt) : promptString(p.prompt);
  const resp = (t: Text): unknown => (conversational ? replyMessages(p.prompt, t) : responseString(t));
  return [
    { prompt, completion: resp(p.chosen), label: true },
    { prompt, completion: resp(p.rejected), label: false },
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

/** A candidate record in our generic form; excluded scores are written as null. */
export function candidatesRow(r: CandidateRecord, conversational: boolean): OutputRow {
  return {
    id: r.id === undefined ? null : String(r.id),
    prompt: conversational ? promptMessages(r.prompt) : promptString(r.prompt),
    responses: r.responses.map((t) => (conversational ? responseMessages(t) : responseString(t))),
    scores: r.scores.slice(),
  };
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

export function onpolicyRow(r: CandidateRecord, conversational: boolean): OutputRow {
  const c = candidatesRow(r, conversational);
  return { prompt_id: c.id, prompt: c.prompt, all_generated_responses: c.responses, all_rm_scores: c.scores };
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

export function hhRow(p: Pair): OutputRow {
  const prompt = hhPrompt(p.prompt);
  const reply = (t: Text): string => {
    const r = responseString(t);
    return r.startsWith(' ') ? r : ` ${r}`;
  };
  return { chosen: prompt + reply(p.chosen), rejected: prompt + reply(p.rejected) };
}

/** The pair of a pair record. */
export function pairOf(r: PairRecord): Pair {
  const p: Pair = { prompt: r.prompt, chosen: r.chosen, rejected: r.rejected };
  if (r.scoreChosen !== undefined) p.scoreChosen = r.scoreChosen;
  if (r.scoreRejected !== undefined) p.scoreRejected = r.scoreRejected;
  return p;
}

/**
 * The max-vs-min pair of a candidate record (first index wins ties), or the reason there is none.
 * Used by `convert`; the `pairs` command offers the other selection rules.
 */
export function maxMinPair(r: CandidateRecord): Pair | { noPair: 'all_scores_equal' } {
  let hi = -1;
  let lo = -1;
  for (let i = 0; i < r.scores.length; i++) {
    const s = r.scores[i];
    if (s === null || s === undefined) continue;
    if (hi < 0 || s > r.scores[hi]!) hi = i;
    if (lo < 0 || s < r.scores[lo]!) lo = i;
  }
  if (hi < 0 || lo < 0 || r.scores[hi] === r.scores[lo]) return { noPair: 'all_scores_equal' };
  return { prompt: r.prompt, chosen: r.responses[hi]!, rejected: r.responses[lo]!, scoreChosen: r.scores[hi]!, scoreRejected: r.scores[lo]! };
}
