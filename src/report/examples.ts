// Bounded example capture: of all the pairs offered, keep the k with the highest and the k with the lowest key
// (the margin), and of the prompts where the sweet spot and the minimum differ, the k where the minimum lies
// farthest below the sweet-spot pick. Texts are fetched lazily, only for offers that are kept at the time, and
// cut to a fixed length, so memory is O(k * text cap) for any input. Ties keep the earlier offer, so the result
// does not depend on chunking; the captures of the parts of an input merge into the capture of the whole (offers
// numbered in input order: the later part's after the earlier part's).
import { decodeNumber, encodeNumber } from '../numeric.js';
import type { CaptureState, ExampleState } from './state.js';
import type { TextCell } from './types.js';

/** The texts of an example pair; `min` is the minimum-score response (sweet-spot examples). */
export interface PairText {
  prompt: string;
  chosen: string;
  rejected: string;
  min?: string;
}

export type ExampleBucketId = 'high' | 'low' | 'sweet' | 'first';

/** One captured example: ids and numbers, plus the texts (cut to the cap). */
export interface CapturedExample {
  seq: number;
  key: number;
  promptIndex: number;
  /** Ordinal of the pair in the collector's pair store (-1 for sweet-spot examples). */
  pair: number;
  /** Scores shown with the example (analysis scale); the collector fills pair scores in at the end. */
  chosenScore: number;
  rejectedScore: number;
  minScore?: number;
  text: { prompt: TextCell; chosen: TextCell; rejected: TextCell; min?: TextCell };
}

/** Cuts text to `cap` code points. */
export function cell(s: string, cap: number): TextCell {
  let n = 0;
  let cut = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff) continue;
    if (n === cap && cut < 0) cut = i;
    n++;
  }
  return cut < 0 ? { text: s, chars: n, truncated: false } : { text: s.slice(0, cut), chars: n, truncated: true };
}

/** Keeps the best k by a strict order (better first); `better(a, b)` says whether a ranks before b. */
class TopK {
  readonly rows: CapturedExample[] = [];
  constructor(
    readonly k: number,
    private readonly better: (a: { key: number; seq: number }, b: { key: number; seq: number }) => boolean,
  ) {}

  admits(o: { key: number; seq: number }): boolean {
    return this.k > 0 && (this.rows.length < this.k || this.better(o, this.rows[this.rows.length - 1]!));
  }

  insert(e: CapturedExample): void {
    let i = this.rows.length;
    while (i > 0 && this.better(e, this.rows[i - 1]!)) i--;
    this.rows.splice(i, 0, e);
    if (this.rows.length > this.k) this.rows.pop();
  }
}

const higher = (a: { key: number; seq: number }, b: { key: number; seq: number }) => a.key > b.key || (a.key === b.key && a.seq < b.seq);
const lower = (a: { key: number; seq: number }, b: { key: number; seq: number }) => a.key < b.key || (a.key === b.key && a.seq < b.seq);
const earlier = (a: { seq: number }, b: { seq: number }) => a.seq < b.seq;

const BUCKETS: readonly ExampleBucketId[] = ['high', 'low', 'sweet', 'first'];

/** An example offered to the capture: its numbers, and its texts only when asked (admitted examples). */
export type ExampleOffer = Omit<CapturedExample, 'seq' | 'text'> & { text: () => PairText };

export class ExampleCapture {
  private seq = 0;
  /** How many times a text accessor was called (bounded by the admissions; tests check it). */
  textCalls = 0;
  readonly buckets: Record<ExampleBucketId, TopK>;

  constructor(
    readonly k: number,
    readonly textCap: number,
  ) {
    this.buckets = { high: new TopK(k, higher), low: new TopK(k, lower), sweet: new TopK(k, higher), first: new TopK(k, earlier) };
  }

  /** Offers a pair to the highest- and lowest-key tables; a pair without a finite key to the first-pairs table. */
  offerPair(o: ExampleOffer): void {
    if (Number.isFinite(o.key)) this.offer(['high', 'low'], o);
    else this.offer(['first'], { ...o, key: NaN });
  }

  /** Offers a prompt whose sweet-spot rejected is not its minimum; key: how far the minimum lies below it. */
  offerSweet(o: ExampleOffer): void {
    if (Number.isFinite(o.key)) this.offer(['sweet'], o);
  }

  private offer(ids: ExampleBucketId[], o: ExampleOffer): void {
    const probe = { key: o.key, seq: this.seq++ };
    const into = ids.filter((id) => this.buckets[id].admits(probe));
    if (into.length === 0) return;
    this.textCalls++;
    const t = o.text();
    const cap = this.textCap;
    const e: CapturedExample = {
      seq: probe.seq,
      key: o.key,
      promptIndex: o.promptIndex,
      pair: o.pair,
      chosenScore: o.chosenScore,
      rejectedScore: o.rejectedScore,
      minScore: o.minScore,
      text: { prompt: cell(t.prompt, cap), chosen: cell(t.chosen, cap), rejected: cell(t.rejected, cap), min: t.min === undefined ? undefined : cell(t.min, cap) },
    };
    for (const id of into) this.buckets[id].insert(e);
  }

  /** The kept examples per bucket; the lowest table leaves out pairs already in the highest one. */
  result(): Record<ExampleBucketId, CapturedExample[]> {
    const high = this.buckets.high.rows;
    const inHigh = new Set(high.map((e) => e.seq));
    return { high: [...high], low: this.buckets.low.rows.filter((e) => !inHigh.has(e.seq)), sweet: [...this.buckets.sweet.rows], first: [...this.buckets.first.rows] };
  }

  /** The offers numbered and the examples kept, as data (texts as cut). */
  state(): CaptureState {
    const one = (e: CapturedExample): ExampleState => {
      const x: ExampleState = { seq: e.seq, key: encodeNumber(e.key), promptIndex: e.promptIndex, pair: e.pair, chosenScore: encodeNumber(e.chosenScore), rejectedScore: encodeNumber(e.rejectedScore), text: e.text };
      if (e.minScore !== undefined) x.minScore = encodeNumber(e.minScore);
      return x;
    };
    const buckets = {} as CaptureState['buckets'];
    for (const id of BUCKETS) buckets[id] = this.buckets[id].rows.map(one);
    return { seq: this.seq, buckets };
  }

  /**
   * Merges the capture of the input that follows this one's (same k): its offers are numbered after this one's,
   * its pair ordinals moved by `pairOffset` (the pairs this collector held before). Exact: the kept examples are
   * those of one capture offered everything.
   */
  merge(s: CaptureState, pairOffset: number): void {
    const base = this.seq;
    const bySeq = new Map<number, CapturedExample>();
    for (const id of BUCKETS) {
      for (const x of s.buckets[id] ?? []) {
        // An example kept in two tables is one example (the lowest table leaves out those in the highest).
        let e = bySeq.get(x.seq);
        if (!e) {
          e = {
            seq: base + x.seq,
            key: decodeNumber(x.key),
            promptIndex: x.promptIndex,
            pair: x.pair >= 0 ? x.pair + pairOffset : x.pair,
            chosenScore: decodeNumber(x.chosenScore),
            rejectedScore: decodeNumber(x.rejectedScore),
            minScore: x.minScore === undefined ? undefined : decodeNumber(x.minScore),
            text: x.text,
          };
          bySeq.set(x.seq, e);
        }
        const b = this.buckets[id];
        if (b.admits(e)) b.insert(e);
      }
    }
    this.seq += s.seq;
  }
}
