// Reward-conditioned augmentation (spec losses.md section 2): each pair with scores r_w > r_l becomes two
// goal-conditioned rows: goal r_w with chosen y_w, and goal r_l with the roles swapped (y_l hits that goal).
// Ties would give two rows with the same goal and opposite labels, so they are dropped and counted (unless
// keepTies: the released code keeps them). filterField filters on a second score pair instead, as the released code
// does (avg_fine_score_chosen >= avg_fine_score_rejected), while the goals stay the first pair's.

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
  return template.split('{g}').join(formatGoal(g));
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
const NEGATE = ['margin', 'implicit_margin'];

/** The two augmented rows of one pair row, or the reason it is dropped. Input rows are not modified. */
/**
 * Why a pair with goal scores `rw` (chosen) and `rl` (rejected) is not augmented when the goals decide (no filter
 * field), or null: a missing score, a tie (unless `keepTies`), or reversed goals.
 */
export function goalDrop(rw: number, rl: number, keepTies: boolean): AugmentDrop | null {
  if (!Number.isFinite(rw) || !Number.isFinite(rl)) return 'missing_scores';
  if (rw === rl) return keepTies ? null : 'tie';
  return rw < rl ? 'reversed' : null;
}

export function augmentRow(
  row: Record<string, unknown>,
  pairId: number,
  opts: AugmentOptions = {},
): { rows: [Record<string, unknown>, Record<string, unknown>] } | { drop: AugmentDrop } {
  const cf = opts.chosenScoreField ?? 'score_chosen';
  const rf = opts.rejectedScoreField ?? 'score_rejected';
  const rw = row[cf];
  const rl = row[rf];
  if (typeof rw !== 'number' || typeof rl !== 'number' || !Number.isFinite(rw) || !Number.isFinite(rl)) return { drop: 'missing_scores' };
  const ff = opts.filterField;
  if (ff !== undefined) {
    const fw = row[`${ff}_chosen`];
    const fl = row[`${ff}_rejected`];
    if (typeof fw !== 'number' || typeof fl !== 'number' || !Number.isFinite(fw) || !Number.isFinite(fl)) return { drop: 'missing_filter_scores' };
    if (fw < fl) return { drop: 'reversed' };
    if (rw === rl && !opts.keepTies) return { drop: 'tie' };
  } else {
    const drop = goalDrop(rw, rl, opts.keepTies === true);
    if (drop) return { drop };
  }
  const template = opts.template ?? PAPER_TEMPLATE;
  const placement = opts.placement ?? 'auto';
  const place = (g: number) => conditionPrompt(row.prompt, renderGoal(template, g), placement === 'auto' ? (typeof row.prompt === 'string' ? 'prefix' : 'system') : placement);
  const pos: Record<string, unknown> = { ...row, prompt: place(rw), pair_id: pairId, goal_role: 'pos', goal: rw };
  const neg: Record<string, unknown> = { ...row, prompt: place(rl), pair_id: pairId, goal_role: 'neg', goal: rl };
  const swaps = ff !== undefined ? [...SWAPS, [`${ff}_chosen`, `${ff}_rejected`] as const] : SWAPS;
  for (const [a, b] of swaps) {
    if (a in row || b in row) {
      neg[a] = row[b];
      neg[b] = row[a];
    }
  }
  if (cf !== 'score_chosen' || rf !== 'score_rejected') {
    neg[cf] = rl;
    neg[rf] = rw;
  }
  for (const f of NEGATE) if (typeof row[f] === 'number') neg[f] = -(row[f] as number);
  return { rows: [pos, neg] };
}
