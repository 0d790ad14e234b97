// The oracle of every data command over one input: the rows a reader of the output sees (parsed values, in the
// documented order), the manifest counts and the rejects. Records come from records.ts, pairs from pairs.ts; the
// selection ranking may call selectPairs and routing routePairs (that math is not the data path), and augmentation
// augmentRow on the row objects the oracle builds. Everything else (which pairs exist, margins, row contents,
// counts, reasons) is decided here.
import { hhRow } from '../../src/io/rows.js';
import { promptMessages, promptString, responseMessages, responseString } from '../../src/io/text.js';
import { logitClamped } from '../../src/numeric.js';
import { augmentRow, type AugmentOptions } from '../../src/pipeline/augment.js';
import { routePairs, type RouteOptions } from '../../src/pipeline/route.js';
import { selectPairs, type SelectBy, type SelectOptions } from '../../src/pipeline/select.js';
import { own, put, reencoded } from './json.js';
import { construct, inForm, meanStd, pairRow, type OraclePair, type PairOptions } from './pairs.js';
import { bump, readInput, type CandidateSet, type OracleReject, type PairRecord, type ReadOptions, type ReadResult, type Text } from './records.js';

/** The manifest counts of a run. */
export interface Tally {
  read: number;
  written: number;
  rejected: Record<string, number>;
  noPair: Record<string, number>;
  candidates: number;
  excluded: Record<string, number>;
  rows: number;
  pairs: number;
}

export interface Expected {
  /** Output rows (main output), as parsed. `implicit_margin` may be undecided (see `implicitUndecided`). */
  rows: Record<string, unknown>[];
  /** Rows of the second output (route / curate SFT). */
  sft?: Record<string, unknown>[];
  tally: Tally;
  rejects: OracleReject[];
  format: string | undefined;
  /** The run must fail: `auto` cannot place the first object record, or the options do not fit the input. */
  error?: 'detect' | 'usage';
  /**
   * The implicit_margin column of pair rows is decided by the first batch holding records: when the first accepted
   * record has log-probs (or no record has any) every batch size agrees; otherwise the column depends on the batch
   * size and `rowsWithoutImplicit` are the rows without it.
   */
  rowsWithoutImplicit?: Record<string, unknown>[];
}

function tallyOf(r: ReadResult): Tally {
  return { read: r.counts.read, written: 0, rejected: { ...r.counts.rejected }, noPair: {}, candidates: r.counts.candidates, excluded: { ...r.counts.excluded }, rows: 0, pairs: 0 };
}

function written(t: Tally, rows: number, pairs: number): void {
  t.written++;
  t.rows += rows;
  t.pairs += pairs;
}

const candidateSets = (r: ReadResult): CandidateSet[] => r.records.filter((x): x is CandidateSet => x.kind === 'candidates');
const pairRecords = (r: ReadResult): PairRecord[] => r.records.filter((x): x is PairRecord => x.kind === 'pair');
const isPairs = (r: ReadResult): boolean => r.format === 'pairs' || r.format === 'hh-rlhf';
const fin = (x: number | undefined | null): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/** File-level choices fixed by the first accepted record: the text form, and whether pair rows carry implicit_margin. */
function fileForm(r: ReadResult): { conversational: boolean; implicit: boolean | 'undecided' } {
  const first = r.records[0];
  const sets = candidateSets(r);
  const any = sets.some((s) => s.logps);
  const firstHas = first?.kind === 'candidates' && first.logps !== undefined;
  return { conversational: first?.conversational ?? false, implicit: firstHas ? true : !any ? false : 'undecided' };
}

// --- pairs ------------------------------------------------------------------------------------------------------------------

interface Built {
  rec: CandidateSet;
  pair: OraclePair;
}

/** Constructs the pairs of every candidate set, counting no-pair outcomes and transform exclusions. */
function buildPairs(r: ReadResult, o: PairOptions, t: Tally): { built: Built[]; perRecord: Map<number, number> } {
  const built: Built[] = [];
  const perRecord = new Map<number, number>();
  for (const rec of candidateSets(r)) {
    const c = construct(rec, o);
    if (c.outOfRange) bump(t.excluded, 'score_out_of_range', c.outOfRange);
    if (c.noPair) bump(t.noPair, c.noPair);
    perRecord.set(rec.index, c.pairs.length);
    for (const pair of c.pairs) built.push({ rec, pair });
  }
  return { built, perRecord };
}

/** `pairs`: rows of every constructed pair, in input order; rating-gap weights when asked. */
export function expectPairs(input: Uint8Array, read: ReadOptions, o: PairOptions & { weights?: boolean }): Expected {
  const r = readInput(input, read);
  const t = tallyOf(r);
  if (r.detectError) return { rows: [], tally: t, rejects: r.rejects, format: undefined, error: 'detect' };
  if (isPairs(r) && r.framed.length > 0) return { rows: [], tally: t, rejects: r.rejects, format: r.format, error: 'usage' };
  const { built, perRecord } = buildPairs(r, o, t);
  for (const k of perRecord.values()) if (k > 0) written(t, k, k);
  const form = fileForm(r);
  const weights = o.weights ? gapWeights(built.map((b) => b.pair.scoreChosen - b.pair.scoreRejected), built.map(() => true)) : undefined;
  const rows = (implicit: boolean) =>
    built.map((b, i) => {
      const row = pairRow(b.rec, b.pair, o.strategy, form.conversational, implicit);
      if (weights) row.weight = weights[i];
      return reencoded(row) as Record<string, unknown>;
    });
  return {
    rows: rows(form.implicit !== false),
    rowsWithoutImplicit: form.implicit === 'undecided' ? rows(false) : undefined,
    tally: t,
    rejects: r.rejects,
    format: r.format,
  };
}

/** Rating-gap weights: max(g, 0) / mean max(g, 0) over the finite gaps of the `counted` pairs (1 when that mean is 0). */
function gapWeights(gaps: number[], counted: boolean[]): number[] {
  let sum = 0;
  let n = 0;
  gaps.forEach((g, i) => {
    if (!counted[i] || !Number.isFinite(g)) return;
    sum += Math.max(g, 0);
    n++;
  });
  const mean = n > 0 ? sum / n : NaN;
  return gaps.map((g) => (!Number.isFinite(g) ? NaN : !(mean > 0) ? 1 : Math.max(g, 0) / mean));
}

// --- pair rows of a pairs input -------------------------------------------------------------------------------------------

const PAIR_COLUMNS = ['prompt', 'chosen', 'rejected', 'score_chosen', 'score_rejected'];

/**
 * A pairs-input record as a row: its other columns (values as copied: a strict record's as parsed, others
 * re-encoded; `objects`: as an object row, always re-encoded when written), then prompt / chosen / rejected in the
 * file's form and the scores it has. Columns in `replaced` are left out (the command writes them).
 */
function recordRow(rec: PairRecord, conversational: boolean, replaced: readonly string[]): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const k of Object.keys(rec.raw)) {
    if (PAIR_COLUMNS.includes(k) || replaced.includes(k)) continue;
    const v = rec.raw[k];
    put(row, k, rec.strict ? v : reencoded(v));
  }
  row.prompt = inForm(rec.prompt, 'prompt', conversational);
  row.chosen = inForm(rec.chosen, 'response', conversational);
  row.rejected = inForm(rec.rejected, 'response', conversational);
  if (rec.scoreChosen !== undefined) row.score_chosen = rec.scoreChosen;
  if (rec.scoreRejected !== undefined) row.score_rejected = rec.scoreRejected;
  return row;
}

/** The implicit margin of a pairs-input record: its implicit_margin, else from the four log-prob fields. */
function recordImplicit(raw: Record<string, unknown>, beta: number, reduce: 'sum' | 'mean'): number {
  const im = own(raw, 'implicit_margin');
  if (im !== undefined) return typeof im === 'number' ? im : NaN;
  const seq = (key: string): number => {
    const v = own(raw, key);
    if (typeof v === 'number') return v;
    if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'number')) return NaN;
    let s = 0;
    for (const x of v as number[]) s += x;
    return reduce === 'mean' ? s / v.length : s;
  };
  const [pc, pr, rc, rr] = ['policy_chosen_logps', 'policy_rejected_logps', 'reference_chosen_logps', 'reference_rejected_logps'].map(seq) as [number, number, number, number];
  return beta * ((pc - rc) - (pr - rr));
}

// --- select and curate ----------------------------------------------------------------------------------------------------

export interface SelectOracleOptions extends PairOptions {
  by: SelectBy | 'auto';
  select: Omit<SelectOptions, 'by'>;
  all?: boolean;
  weights?: boolean;
  curate?: { route?: RouteOptions; augment?: AugmentOptions };
}

const SELECT_COLUMNS = ['p_external', 'p_implicit', 'selection_score', 'selected', 'weight', 'route'];

export function expectSelect(input: Uint8Array, read: ReadOptions, o: SelectOracleOptions): Expected {
  const r = readInput(input, read);
  const t = tallyOf(r);
  if (r.detectError) return { rows: [], tally: t, rejects: r.rejects, format: undefined, error: 'detect' };
  const form = fileForm(r);
  const tf = o.transform === 'logit' ? logitClamped : (x: number) => x;
  const beta = o.beta ?? 1;
  const reduce = o.reduce ?? 'sum';
  // One entry per pair, in input order: its record, scores, margins and base row.
  interface Item {
    record: number;
    sc: number;
    sr: number;
    ext: number;
    imp: number;
    routeMargin: number;
    base: (implicit: boolean) => Record<string, unknown>;
  }
  const items: Item[] = [];
  const pairsInput = isPairs(r);
  if (pairsInput) {
    for (const rec of pairRecords(r)) {
      const sc = rec.scoreChosen ?? NaN;
      const sr = rec.scoreRejected ?? NaN;
      const m = own(rec.raw, 'margin');
      items.push({
        record: rec.index,
        sc,
        sr,
        ext: tf(sc) - tf(sr),
        imp: recordImplicit(rec.raw, beta, reduce),
        routeMargin: typeof m === 'number' && !Number.isNaN(m) ? m : sc - sr,
        base: () => recordRow(rec, form.conversational, SELECT_COLUMNS),
      });
    }
  } else {
    const { built } = buildPairs(r, o, t);
    for (const b of built) {
      items.push({
        record: b.rec.index,
        sc: b.pair.scoreChosen,
        sr: b.pair.scoreRejected,
        ext: tf(b.pair.scoreChosen) - tf(b.pair.scoreRejected),
        imp: b.rec.logps ? b.pair.implicit : NaN,
        routeMargin: b.pair.scoreChosen - b.pair.scoreRejected,
        base: (implicit) => pairRow(b.rec, b.pair, o.strategy, form.conversational, implicit),
      });
    }
  }
  const n = items.length;
  const ext = Float64Array.from(items, (x) => x.ext);
  const imp = Float64Array.from(items, (x) => x.imp);
  const hasEx = ext.some(Number.isFinite);
  const hasIm = imp.some(Number.isFinite);
  const by: SelectBy = o.by !== 'auto' ? o.by : hasEx && hasIm ? 'bees' : hasIm ? 'implicit' : 'external';
  let sel;
  try {
    sel = selectPairs({ external: hasEx ? ext : undefined, implicit: hasIm ? imp : undefined }, { by, ...o.select });
  } catch {
    return { rows: [], tally: t, rejects: r.rejects, format: r.format, error: 'usage' };
  }
  const kept = (i: number) => sel.rank[i]! > 0;
  const curate = o.curate;
  const writtenPair = (i: number) => kept(i) || (o.all === true && !curate);
  const weight = o.weights ? gapWeights(items.map((x) => x.sc - x.sr), items.map((_, i) => writtenPair(i))) : undefined;
  // Routing of the kept pairs (curate --route).
  const route = new Array<0 | 1 | 2>(n).fill(0);
  let dpoOrder: number[] = [];
  let sftOrder: number[] = [];
  if (curate?.route) {
    const keptIdx = items.map((_, i) => i).filter(kept);
    const rt = routePairs(keptIdx.map((i) => items[i]!.routeMargin), curate.route);
    dpoOrder = Array.from(rt.dpo, (k) => keptIdx[k]!);
    sftOrder = Array.from(rt.sft, (k) => keptIdx[k]!);
    for (const i of dpoOrder) route[i] = 1;
    for (const i of sftOrder) route[i] = 2;
  }
  const augDrop = items.map((x, i) => {
    if (!curate?.augment || !kept(i) || (curate.route && route[i] !== 1)) return null;
    return !Number.isFinite(x.sc) || !Number.isFinite(x.sr) ? 'missing_scores' : x.sc === x.sr ? 'tie' : x.sc < x.sr ? 'reversed' : null;
  });
  const mainRows = (i: number): number => {
    if (!curate) return writtenPair(i) ? 1 : 0;
    if (!kept(i)) return o.all ? 1 : 0;
    if (curate.route && route[i] !== 1) return 0;
    if (curate.augment) return augDrop[i] ? 0 : 2;
    return 1;
  };
  // Counts per record (its pairs are consecutive).
  for (let i = 0; i < n; ) {
    let j = i;
    let rows = 0;
    let pairs = 0;
    let reason = 'not_selected';
    for (; j < n && items[j]!.record === items[i]!.record; j++) {
      const m = mainRows(j);
      rows += m + (route[j] === 2 ? 1 : 0);
      pairs += m;
      const why = kept(j) ? (curate?.route && route[j] === 0 ? 'no_margin' : 'augment_dropped') : 'not_selected';
      if (why !== 'not_selected') reason = why;
    }
    if (rows > 0) written(t, rows, pairs);
    else bump(t.noPair, reason);
    i = j;
  }
  const keptOrder = new Map<number, number>();
  items.forEach((_, i) => kept(i) && keptOrder.set(i, keptOrder.size));
  const full = (i: number, implicit: boolean): Record<string, unknown> => {
    const row = items[i]!.base(implicit);
    row.p_external = fin(sel.pExternal?.[i]);
    row.p_implicit = fin(sel.pImplicit?.[i]);
    row.selection_score = fin(sel.score[i]);
    row.selected = kept(i) ? sel.rank[i] : null;
    if (weight) row.weight = fin(weight[i]);
    if (curate?.route) row.route = 'dpo';
    return row;
  };
  const build = (implicit: boolean): { main: Record<string, unknown>[]; sft: Record<string, unknown>[] } => {
    const main: Record<string, unknown>[] = [];
    const sft: Record<string, unknown>[] = [];
    const emit = (i: number): void => {
      if (mainRows(i) === 0) return;
      const row = full(i, implicit);
      if (curate?.augment && kept(i)) {
        const res = augmentRow(reencoded(row) as Record<string, unknown>, items[i]!.record, curate.augment);
        if ('rows' in res) main.push(...res.rows.map((x) => reencoded(x) as Record<string, unknown>));
      } else main.push(pairsInput ? row : (reencoded(row) as Record<string, unknown>));
    };
    const order = curate?.route ? dpoOrder : items.map((_, i) => i).filter((i) => !curate || kept(i));
    for (const i of order) emit(i);
    for (const i of sftOrder) {
      const b = reencoded(items[i]!.base(implicit)) as Record<string, unknown>;
      sft.push(reencoded({ prompt: b.prompt, completion: b.chosen, margin: items[i]!.routeMargin, prompt_index: typeof b.prompt_index === 'number' ? b.prompt_index : null, pair_id: keptOrder.get(i), route: 'sft' }) as Record<string, unknown>);
    }
    if (curate && o.all) for (let i = 0; i < n; i++) if (!kept(i)) emit(i);
    return { main, sft };
  };
  const withIm = build(form.implicit !== false);
  return {
    rows: withIm.main,
    sft: curate?.route ? withIm.sft : undefined,
    rowsWithoutImplicit: form.implicit === 'undecided' && !pairsInput ? build(false).main : undefined,
    tally: t,
    rejects: r.rejects,
    format: r.format,
  };
}

// --- stats ------------------------------------------------------------------------------------------------------------------

export function expectStats(input: Uint8Array, read: ReadOptions, o: { transform: 'none' | 'logit'; std: 'population' | 'sample' }, perPrompt: boolean): Expected {
  const r = readInput(input, read);
  const t = tallyOf(r);
  if (r.detectError) return { rows: [], tally: t, rejects: r.rejects, format: undefined, error: 'detect' };
  const rows: Record<string, unknown>[] = [];
  const tf = (x: number): number => {
    if (o.transform !== 'logit' || !Number.isFinite(x)) return x;
    const v = logitClamped(x);
    if (Number.isNaN(v)) bump(t.excluded, 'score_out_of_range');
    return v;
  };
  for (const rec of r.records) {
    let values: number[];
    if (rec.kind === 'candidates') values = rec.scores.map((s) => (s === null ? NaN : tf(s)));
    else {
      const sc = rec.scoreChosen ?? NaN;
      const sr = rec.scoreRejected ?? NaN;
      if (Number.isNaN(sc) && Number.isNaN(sr)) {
        bump(t.noPair, 'no_scores');
        continue;
      }
      values = [tf(sc), tf(sr)];
    }
    const idx = values.map((_, i) => i).filter((i) => Number.isFinite(values[i]!));
    const fv = idx.map((i) => values[i]!);
    let argmin = -1;
    let argmax = -1;
    for (const i of idx) {
      if (argmin < 0 || values[i]! < values[argmin]!) argmin = i;
      if (argmax < 0 || values[i]! > values[argmax]!) argmax = i;
    }
    const { mu, sigma } = fv.length ? meanStd(fv, o.std) : { mu: NaN, sigma: NaN };
    rows.push(
      reencoded({
        prompt_index: rec.index,
        count: fv.length,
        mean: mu,
        std: sigma,
        min: argmin < 0 ? NaN : values[argmin],
        max: argmax < 0 ? NaN : values[argmax],
        argmin: argmin < 0 ? null : argmin,
        argmax: argmax < 0 ? null : argmax,
      }) as Record<string, unknown>,
    );
    written(t, perPrompt ? 1 : 0, 0);
  }
  return { rows: perPrompt ? rows : [], tally: t, rejects: r.rejects, format: r.format };
}

// --- convert ----------------------------------------------------------------------------------------------------------------

export type Target = 'trl' | 'trl-conversational' | 'kto' | 'candidates' | 'onpolicy' | 'hh-rlhf';

/** A response after an HH prompt ("...\n\nAssistant:") as messages: the space after the marker is dropped. */
function replyMessages(prompt: Text, t: Text): Text {
  if (typeof prompt === 'string' && typeof t === 'string' && prompt.endsWith('\n\nAssistant:') && t.startsWith(' ')) return responseMessages(t.slice(1));
  return responseMessages(t);
}

export function expectConvert(input: Uint8Array, read: ReadOptions, to: Target): Expected {
  const r = readInput(input, read);
  const t = tallyOf(r);
  if (r.detectError) return { rows: [], tally: t, rejects: r.rejects, format: undefined, error: 'detect' };
  const first = r.records[0];
  const conv = to === 'trl-conversational' ? true : to === 'trl' || to === 'hh-rlhf' ? false : (first?.conversational ?? false);
  const withScores = first?.kind === 'candidates' ? true : first !== undefined && (first.scoreChosen !== undefined || first.scoreRejected !== undefined);
  const rows: Record<string, unknown>[] = [];
  const pairTarget = to !== 'candidates' && to !== 'onpolicy';
  for (const rec of r.records) {
    let p: { prompt: Text; chosen: Text; rejected: Text; sc: number | null; sr: number | null };
    if (rec.kind === 'candidates') {
      if (!pairTarget) {
        rows.push(candidatesRow(to, rec.id, rec.prompt, rec.responses, rec.scores, conv));
        written(t, 1, 0);
        continue;
      }
      let hi = -1;
      let lo = -1;
      rec.scores.forEach((s, i) => {
        if (s === null) return;
        if (hi < 0 || s > rec.scores[hi]!) hi = i;
        if (lo < 0 || s < rec.scores[lo]!) lo = i;
      });
      if (rec.scores[hi] === rec.scores[lo]) {
        bump(t.noPair, 'all_scores_equal');
        continue;
      }
      p = { prompt: rec.prompt, chosen: rec.responses[hi]!, rejected: rec.responses[lo]!, sc: rec.scores[hi]!, sr: rec.scores[lo]! };
    } else {
      if (!pairTarget) {
        rows.push(candidatesRow(to, rec.id, rec.prompt, [rec.chosen, rec.rejected], [rec.scoreChosen ?? null, rec.scoreRejected ?? null], conv));
        written(t, 1, 0);
        continue;
      }
      p = { prompt: rec.prompt, chosen: rec.chosen, rejected: rec.rejected, sc: rec.scoreChosen ?? null, sr: rec.scoreRejected ?? null };
    }
    if (to === 'kto') {
      for (const [c, label] of [
        [p.chosen, true],
        [p.rejected, false],
      ] as const) {
        rows.push({ prompt: conv ? promptMessages(p.prompt) : promptString(p.prompt), completion: conv ? replyMessages(p.prompt, c) : responseString(c), label });
      }
      written(t, 2, 0);
      continue;
    }
    if (to === 'hh-rlhf') rows.push(hhRow({ prompt: p.prompt, chosen: p.chosen, rejected: p.rejected }));
    else {
      const row: Record<string, unknown> = {
        prompt: inForm(p.prompt, 'prompt', conv),
        chosen: to === 'trl-conversational' ? replyMessages(p.prompt, p.chosen) : inForm(p.chosen, 'response', false),
        rejected: to === 'trl-conversational' ? replyMessages(p.prompt, p.rejected) : inForm(p.rejected, 'response', false),
      };
      if (withScores) Object.assign(row, { score_chosen: p.sc, score_rejected: p.sr });
      rows.push(row);
    }
    written(t, 1, 1);
  }
  return { rows: rows.map((x) => reencoded(x) as Record<string, unknown>), tally: t, rejects: r.rejects, format: r.format };
}

function candidatesRow(to: Target, id: string | number | undefined, prompt: Text, responses: Text[], scores: (number | null)[], conv: boolean): Record<string, unknown> {
  return {
    [to === 'onpolicy' ? 'prompt_id' : 'id']: id === undefined ? null : String(id),
    prompt: inForm(prompt, 'prompt', conv),
    [to === 'onpolicy' ? 'all_generated_responses' : 'responses']: responses.map((x) => (conv ? responseMessages(x) : responseString(x))),
    [to === 'onpolicy' ? 'all_rm_scores' : 'scores']: scores,
  };
}

// --- augment and route ------------------------------------------------------------------------------------------------------

export function expectAugment(input: Uint8Array, read: ReadOptions, o: AugmentOptions): Expected {
  const r = readInput(input, read);
  const t = tallyOf(r);
  if (r.detectError) return { rows: [], tally: t, rejects: r.rejects, format: undefined, error: 'detect' };
  const conv = fileForm(r).conversational;
  const rows: Record<string, unknown>[] = [];
  for (const rec of pairRecords(r)) {
    const res = augmentRow(reencoded(recordRow(rec, conv, [])) as Record<string, unknown>, rec.index, o);
    if ('rows' in res) {
      rows.push(...res.rows.map((x) => reencoded(x) as Record<string, unknown>));
      written(t, 2, 2);
    } else bump(t.noPair, res.drop);
  }
  return { rows, tally: t, rejects: r.rejects, format: r.format };
}

export function expectRoute(input: Uint8Array, read: ReadOptions, o: RouteOptions & { marginField?: string }): Expected {
  const r = readInput(input, read);
  const t = tallyOf(r);
  if (r.detectError) return { rows: [], tally: t, rejects: r.rejects, format: undefined, error: 'detect' };
  const conv = fileForm(r).conversational;
  const rejects = [...r.rejects];
  const routed: { rec: PairRecord; margin: number; pairId: number }[] = [];
  pairRecords(r).forEach((rec, pairId) => {
    let m: number;
    if (o.marginField !== undefined) {
      const v = own(rec.raw, o.marginField);
      m = typeof v === 'number' ? v : NaN;
    } else m = (rec.scoreChosen ?? NaN) - (rec.scoreRejected ?? NaN);
    if (!Number.isFinite(m)) {
      bump(t.rejected, 'missing_field');
      rejects.push({ line: rec.line, index: rec.index, field: o.marginField ?? 'score_chosen', reason: 'missing_field', record: rec.strict ? rec.raw : rec.text });
      return;
    }
    routed.push({ rec, margin: m, pairId });
  });
  rejects.sort((a, b) => a.index - b.index);
  const rt = routePairs(routed.map((x) => x.margin), o);
  for (let i = 0; i < routed.length; i++) written(t, 1, 0);
  t.pairs += rt.dpo.length;
  const rows = Array.from(rt.dpo, (k) => {
    const row = recordRow(routed[k]!.rec, conv, ['route']);
    row.route = 'dpo';
    return row;
  });
  const sft = Array.from(rt.sft, (k) => {
    const x = routed[k]!;
    const b = reencoded(recordRow(x.rec, conv, ['route'])) as Record<string, unknown>;
    return reencoded({ prompt: b.prompt, completion: b.chosen, margin: x.margin, prompt_index: typeof b.prompt_index === 'number' ? b.prompt_index : null, pair_id: x.pairId, route: 'sft' }) as Record<string, unknown>;
  });
  return { rows, sft, tally: t, rejects, format: r.format };
}
