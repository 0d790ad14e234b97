// Reward-conditioned augmentation (spec losses.md section 2): each pair with scores r_w > r_l becomes two
// goal-conditioned rows: goal r_w with chosen y_w, and goal r_l with the roles swapped (y_l hits that goal).
// Ties would give two rows with the same goal and opposite labels, so they are dropped and counted (unless
// keepTies: the released code keeps them). filterField filters on a second score pair instead, as the released code
// does (avg_fine_score_chosen >= avg_fine_score_rejected), while the goals stay the first pair's.

import { setOwn } from '../io/json.js';

/** The paper's goal template (reproduced byte for byte; `{g}` is the goal). */
export const PAPER_TEMPLATE =
  'You are an assistant that generates responses for the instruction while implicitly achieving the following target scores (on a scale of 1-10, where 1 is lowest and 10 is highest):\nOverall score: {g}.';

/** system: a system message (conversational prompts); prefix: goal text + blank line before the prompt text. */
export type Placement = 'auto' | 'system' | 'prefix';
export const PLACEMENTS: readonly Placement[] = ['auto', 'system', 'prefix'];

export type AugmentDrop = 'tie' | 'reversed' | 'missing_scores' | 'missing_filter_scores';

export interface AugmentOptions {
  template?: string;
  placement?: Placement;
  /** Score fields (default score_chosen / score_rejected). */
  chosenScoreField?: string;
  rejectedScoreField?: string;
  /** Keep pairs whose goal scores are equal (two rows with the same goal, opposite labels), as the released code. */
  keepTies?: boolean;
  /**
   * Filter on `<name>_chosen >= <name>_rejected` (non-strict, the released code's rule on avg_fine_score) instead of
   * goal order; the goals stay score_chosen / score_rejected and their order is not checked (a goal tie is still
   * dropped unless keepTies).
   */
  filterField?: string;
}

/** A goal as the paper's code prints it: integral values without a decimal ("8"), others shortest ("7.5"). */
export function formatGoal(g: number): string {
  return Number.isInteger(g) ? g.toFixed(0) : String(g);
}

/** The template with every `{g}` replaced by the formatted goal. */
export function renderGoal(template: string, g: number): string {
  // The goal is digits, '.', '-', 'e' and '+': no `$` pattern in the replacement.
  return template.replaceAll('{g}', formatGoal(g));
}

type Message = { role: string; content: unknown; [k: string]: unknown };

function isMessages(x: unknown): x is Message[] {
  return Array.isArray(x) && x.every((m) => m !== null && typeof m === 'object' && typeof (m as Message).role === 'string');
}

/** The prompt conditioned on a goal text. Throws a RangeError when the prompt cannot take the placement. */
export function conditionPrompt(prompt: unknown, goal: string, placement: Placement): unknown {
  if (typeof prompt === 'string') {
    if (placement === 'system') throw new RangeError('pairsmith: --placement system needs conversational prompts (message lists)');
    return `${goal}\n\n${prompt}`;
  }
  if (!isMessages(prompt)) throw new RangeError('pairsmith: the prompt is neither a string nor a message list');
  const msgs = prompt.map((m) => ({ ...m }));
  if (placement === 'prefix') {
    const u = msgs.find((m) => m.role === 'user');
    if (!u || typeof u.content !== 'string') throw new RangeError('pairsmith: --placement prefix needs a user message with text content');
    u.content = `${goal}\n\n${u.content}`;
    return msgs;
  }
  const first = msgs[0];
  if (first && first.role === 'system' && typeof first.content === 'string') {
    first.content = `${goal}\n\n${first.content}`;
    return msgs;
  }
  return [{ role: 'system', content: goal }, ...msgs];
}

const SWAPS: readonly (readonly [string, string])[] = [
  ['chosen', 'rejected'],
  ['score_chosen', 'score_rejected'],
  ['chosen_index', 'rejected_index'],
];
const NEGATE: readonly string[] = ['margin', 'implicit_margin'];

/**
 * Why a pair with goal scores `rw` (chosen) and `rl` (rejected) is not augmented when the goals decide (no filter
 * field), or null: a missing score, a tie (unless `keepTies`), or reversed goals.
 */
export function goalDrop(rw: number, rl: number, keepTies: boolean): AugmentDrop | null {
  if (!Number.isFinite(rw) || !Number.isFinite(rl)) return 'missing_scores';
  if (rw === rl) return keepTies ? null : 'tie';
  return rw < rl ? 'reversed' : null;
}

/** Where augmentInto puts the two rows: begin, the columns in order, end (a row builder or an object). */
export interface AugmentOut {
  begin(): void;
  put(key: string, value: unknown): void;
  end(): void;
}

const ADDED_KEYS = ['pair_id', 'goal_role', 'goal'] as const;

/**
 * Writes the two augmented rows of one pair row into `out`, or returns the reason it is dropped (nothing written).
 * The rows are the input row's columns in its order with the prompt conditioned on the goal, then pair_id,
 * goal_role and goal (in place where the row has them); the `neg` row swaps chosen/rejected, their scores and
 * indices (a swapped column the row lacks comes last) and negates the margins. The input row is not modified, and
 * no row object is built: a command writes the rows straight into its row builder.
 */
export function augmentInto(row: Record<string, unknown>, pairId: number, opts: AugmentOptions, out: AugmentOut): AugmentDrop | null {
  const cf = opts.chosenScoreField ?? 'score_chosen';
  const rf = opts.rejectedScoreField ?? 'score_rejected';
  const rw = row[cf];
  const rl = row[rf];
  if (typeof rw !== 'number' || typeof rl !== 'number' || !Number.isFinite(rw) || !Number.isFinite(rl)) return 'missing_scores';
  const ff = opts.filterField;
  if (ff !== undefined) {
    const fw = row[`${ff}_chosen`];
    const fl = row[`${ff}_rejected`];
    if (typeof fw !== 'number' || typeof fl !== 'number' || !Number.isFinite(fw) || !Number.isFinite(fl)) return 'missing_filter_scores';
    if (fw < fl) return 'reversed';
    if (rw === rl && !opts.keepTies) return 'tie';
  } else {
    const drop = goalDrop(rw, rl, opts.keepTies === true);
    if (drop) return drop;
  }
  const template = opts.template ?? PAPER_TEMPLATE;
  const placement = opts.placement ?? 'auto';
  const where = placement === 'auto' ? (typeof row.prompt === 'string' ? 'prefix' : 'system') : placement;
  // Both prompts first: a prompt that cannot take the placement throws before anything is written.
  const posPrompt = conditionPrompt(row.prompt, renderGoal(template, rw), where);
  const negPrompt = conditionPrompt(row.prompt, renderGoal(template, rl), where);
  const swaps = ff !== undefined ? [...SWAPS, [`${ff}_chosen`, `${ff}_rejected`] as const] : SWAPS;
  const has = (k: string) => Object.prototype.hasOwnProperty.call(row, k);
  for (let neg = 0; neg < 2; neg++) {
    const added = (k: string): unknown => (k === 'pair_id' ? pairId : k === 'goal_role' ? (neg ? 'neg' : 'pos') : neg ? rl : rw);
    /** The neg row's value of column k (k is a column of the row or a swapped column). */
    const negValue = (k: string): unknown => {
      const v = row[k];
      if (NEGATE.includes(k) && typeof v === 'number') return -v;
      if (k === cf) return rl;
      if (k === rf) return rw;
      for (const [a, b] of swaps) {
        if (k === a && (has(a) || has(b))) return row[b];
        if (k === b && (has(a) || has(b))) return row[a];
      }
      return v;
    };
    out.begin();
    for (const k in row) {
      if (!has(k)) continue;
      if (k === 'prompt') out.put(k, neg ? negPrompt : posPrompt);
      else if (k === 'pair_id' || k === 'goal_role' || k === 'goal') out.put(k, added(k));
      else out.put(k, neg ? negValue(k) : row[k]);
    }
    for (const k of ADDED_KEYS) if (!has(k)) out.put(k, added(k));
    if (neg) for (const [a, b] of swaps) if (has(a) !== has(b)) out.put(has(a) ? b : a, negValue(has(a) ? b : a));
    out.end();
  }
  return null;
}

/** Collects augmentInto's rows as objects. */
class AugmentObjects implements AugmentOut {
  rows: Record<string, unknown>[] = [];
  private row: Record<string, unknown> = {};
  begin(): void {
    this.row = {};
  }
  put(key: string, value: unknown): void {
    setOwn(this.row, key, value);
  }
  end(): void {
    this.rows.push(this.row);
  }
}

/** The two augmented rows of one pair row as objects, or the reason it is dropped (augmentInto). */
export function augmentRow(
  row: Record<string, unknown>,
  pairId: number,
  opts: AugmentOptions = {},
): { rows: [Record<string, unknown>, Record<string, unknown>] } | { drop: AugmentDrop } {
  const out = new AugmentObjects();
  const drop = augmentInto(row, pairId, opts, out);
  return drop ? { drop } : { rows: [out.rows[0]!, out.rows[1]!] };
}
