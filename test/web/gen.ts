// A seeded candidates file for the browser tests: scored responses with log-probs (so curate ranks by BeeS), and
// records that exercise the edges: malformed lines, a non-object, a missing field, a wrong type, too few scores,
// null/NaN/Infinity scores, a tie for the top score, all-equal scores (no pair), and message-list prompts nowhere
// (one form per file).
import { mulberry32 } from '../../src/pipeline/rng.js';

const rng = mulberry32;

const WORDS = 'alpha beta gamma delta quick brown fox jumps over lazy dog sorting tide pools sourdough chess opening ünïcödé 中文 emoji 🙂 quote " backslash \\ tab'.split(' ');

/** `n` records of JSON Lines text (about 1 in 25 is a bad or edge record). */
export function generateCandidates(n: number, seed = 7): string {
  const r = rng(seed);
  const words = (k: number): string => Array.from({ length: k }, () => WORDS[Math.floor(r() * WORDS.length)]).join(' ');
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = 4 + Math.floor(r() * 6);
    const responses = Array.from({ length: k }, () => words(3 + Math.floor(r() * 12)));
    const scores: (number | null | string)[] = Array.from({ length: k }, () => Number((r() * 10 - 3).toFixed(3)));
    const policy = responses.map(() => Number((-20 - r() * 30).toFixed(2)));
    const reference = responses.map(() => Number((-20 - r() * 30).toFixed(2)));
    const rec: Record<string, unknown> = { id: `g-${i}`, prompt: `${words(6)}?`, responses, scores, policy_logps: policy, reference_logps: reference };
    switch (i % 25) {
      case 3:
        lines.push(`{"id": "g-${i}", "prompt": "cut`); // malformed
        continue;
      case 5:
        lines.push('[1, 2, 3]'); // not an object
        continue;
      case 7:
        delete rec.scores; // missing field
        break;
      case 9:
        scores[1] = 'high'; // wrong type
        break;
      case 11:
        rec.scores = [scores[0]]; // length mismatch
        break;
      case 13: {
        // a tie for the top score
        const top = Math.max(...(scores as number[]));
        scores[0] = top;
        scores[1] = top;
        break;
      }
      case 15:
        rec.scores = scores.map(() => 1.5); // all equal: no pair
        break;
      case 17:
        scores[0] = null;
        break;
      case 19:
        lines.push(JSON.stringify(rec).replace(/"scores":\[[^,]+/, '"scores":[NaN'));
        continue;
      case 21:
        lines.push(JSON.stringify(rec).replace(/"scores":\[[^,]+/, '"scores":[Infinity'));
        continue;
      case 23:
        rec.scores = scores.map((x, j) => (j < 1 ? x : null)); // too few scored
        break;
    }
    lines.push(JSON.stringify(rec));
  }
  return `${lines.join('\n')}\n`;
}
