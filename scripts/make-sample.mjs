#!/usr/bin/env node
// Generates the bundled, license-clean sample (examples/sample.candidates.jsonl): synthetic prompts, each with
// several candidate responses, reward scores, and policy/reference log-probs (sequence sums, or per-token arrays
// for some prompts), with outliers (degenerate responses far below the rest) and a few bad records that
// exercise validation. All text is generated here from word lists; nothing is copied from any dataset.
// Deterministic: `node scripts/make-sample.mjs [out] [--prompts N] [--seed S]` always writes the same bytes.
import { writeFileSync } from 'node:fs';
// The project's one seeded generator (built by `npm run build`, which `npm ci` runs).
import { mulberry32 } from '../dist/pipeline/rng.js';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const out = args.find((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--'))) ?? 'examples/sample.candidates.jsonl';
const PROMPTS = opt('--prompts', 200);
const SEED = opt('--seed', 20260);

const rand = mulberry32(SEED);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const normal = () => {
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
};
const round = (x, d) => Number(x.toFixed(d));

const TOPICS = ['tide pools', 'sourdough starters', 'binary search', 'composting', 'solar eclipses', 'bicycle gears', 'ferment­ation'.replace('\u00ad', ''), 'password managers', 'rain gardens', 'sorting algorithms', 'bread crusts', 'paper airplanes', 'river deltas', 'time zones', 'spreadsheet formulas', 'houseplant watering', 'unit testing', 'coffee extraction', 'glacier retreat', 'chess openings'];
const ASKS = ['Explain how {t} work to a curious teenager.', 'Give three practical tips about {t}.', 'What are common mistakes people make with {t}?', 'Write a short paragraph comparing two approaches to {t}.', 'Summarize the key ideas behind {t} in plain words.', 'How would you teach {t} in ten minutes?'];
const OPENERS = ['Here is a clear overview.', 'Good question.', 'In short:', 'Let me walk through it.', 'A simple way to think about it:'];
const GOOD = ['The core idea is that small, repeated steps add up to a reliable result.', 'Start with the basics, check your progress, and adjust one thing at a time.', 'A useful rule of thumb is to measure before you change anything.', 'Most problems come from skipping the preparation step, so do that first.', 'Concrete examples help: try it once by hand before automating it.', 'Keep notes, because patterns only show up when you compare several attempts.'];
const WEAK = ['It depends on many things.', 'There are various aspects to consider.', 'People have different opinions about this.', 'It is a complex topic with many details.'];
const DEGENERATE = ['', 'ok', 'I cannot help with that.', '...', 'As an AI'];

function response(quality) {
  if (quality < -2.5) return pick(DEGENERATE);
  const n = Math.max(1, Math.min(3, Math.round(1 + quality + rand())));
  const parts = [pick(OPENERS)];
  for (let i = 0; i < n; i++) parts.push(quality + normal() * 0.5 > -0.3 ? pick(GOOD) : pick(WEAK));
  return parts.join(' ');
}

function tokensOf(text) {
  return Math.max(1, text.split(/\s+/).filter(Boolean).length + Math.ceil(text.length / 12));
}

const lines = [];
for (let p = 0; p < PROMPTS; p++) {
  const topic = pick(TOPICS);
  const prompt = pick(ASKS).replace('{t}', topic);
  const n = pick([4, 8, 12, 16, 16, 20, 24, 32]);
  const mu = normal() * 2;
  const sigma = 0.5 + rand() * 1.5;
  const perToken = p % 10 === 3;
  const responses = [];
  const scores = [];
  const policy = [];
  const reference = [];
  const outlier = rand() < 0.35 ? Math.floor(rand() * n) : -1;
  for (let i = 0; i < n; i++) {
    const q = i === outlier ? -3 - rand() * 2 : normal();
    const text = response(q);
    const score = round(mu + sigma * (i === outlier ? -4 - rand() * 3 : q + normal() * 0.3), 4);
    const t = tokensOf(text);
    // Reference log-prob scales with length; the policy's implicit reward tracks quality, with noise.
    const refTokens = Array.from({ length: t }, () => round(-0.4 - rand() * 1.6, 2));
    const shift = (q + normal() * 0.8) * 0.35 / Math.sqrt(t);
    const polTokens = refTokens.map((x) => round(Math.min(-0.01, x + shift + normal() * 0.05), 2));
    const sum = (xs) => round(xs.reduce((a, b) => a + b, 0), 3);
    responses.push(text);
    scores.push(score);
    policy.push(perToken ? polTokens : sum(polTokens));
    reference.push(perToken ? refTokens : sum(refTokens));
  }
  const rec = { id: `sample-${String(p).padStart(3, '0')}`, prompt, responses, scores, policy_logps: policy, reference_logps: reference };
  let line = JSON.stringify(rec);
  // A few records that validation must catch (each kind once), spread over the file.
  switch (p) {
    case 17: // one candidate's score is null and one is NaN (Python's json writes that literal): both excluded
      rec.scores[1] = null;
      rec.scores[2] = '__NAN__';
      line = JSON.stringify(rec).replace('"__NAN__"', 'NaN');
      break;
    case 41: // malformed JSON: a truncated line
      line = line.slice(0, Math.floor(line.length / 2));
      break;
    case 63: // responses and scores of different lengths
      rec.scores.pop();
      line = JSON.stringify(rec);
      break;
    case 88: // a score that is a string
      rec.scores[2] = String(rec.scores[2]);
      line = JSON.stringify(rec);
      break;
    case 105: // scores missing entirely
      delete rec.scores;
      line = JSON.stringify(rec);
      break;
    case 131: // all scores equal: a valid record with no preference signal
      rec.scores = rec.scores.map(() => 1.25);
      line = JSON.stringify(rec);
      break;
    case 152: // an overflowing score (1e309 reads as Infinity): that candidate is excluded
      rec.scores[0] = '__INF__';
      line = JSON.stringify(rec).replace('"__INF__"', '1e309');
      break;
    case 177: // only one usable score
      rec.scores = rec.scores.map((s, i) => (i === 0 ? s : null));
      line = JSON.stringify(rec);
      break;
  }
  lines.push(line);
  if (p === 120) lines.push(''); // a blank line is not a record
}
writeFileSync(out, `${lines.join('\n')}\n`);
process.stderr.write(`wrote ${out}: ${PROMPTS} prompts (${lines.length} lines)\n`);
