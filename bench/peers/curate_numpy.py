#!/usr/bin/env python3
"""The main job as a short json + numpy script, the peer of `pairsmith curate --by external` in the e2e benchmark.

Per prompt: chosen = the max score (first occurrence), rejected = the candidate nearest mu - 2 sigma (population
sigma; ties: the lower score, then the lower index); no pair when they are the same candidate or tie. Then the pairs
are ranked by margin (score gap), largest first (ties: input order), the top floor(fraction * n) are kept and written
in margin order. With --fraction 1 and --input-order it is the peer of `pairsmith pairs` (every pair, input order).

usage: curate_numpy.py <in.jsonl> <out.jsonl> [--fraction F] [--input-order]
"""
import json
import math
import sys

import numpy as np


def main() -> None:
    args = sys.argv[1:]
    src, dst = args[0], args[1]
    fraction = float(args[args.index('--fraction') + 1]) if '--fraction' in args else 1.0
    input_order = '--input-order' in args
    rows = []
    margins = []
    with open(src, 'rb') as f:
        for index, line in enumerate(f):
            rec = json.loads(line)
            s = np.asarray(rec['scores'], dtype=np.float64)
            if s.size < 2:
                continue
            mu = s.mean()
            sigma = s.std()
            if not sigma > 0:
                continue
            c = int(np.argmax(s))
            d = np.abs(s - (mu - 2 * sigma))
            best = d.min()
            cand = np.flatnonzero(d == best)
            r = int(cand[np.argmin(s[cand])]) if cand.size > 1 else int(cand[0])
            if r == c or s[r] == s[c]:
                continue
            rows.append((rec['prompt'], rec['responses'][c], rec['responses'][r], float(s[c]), float(s[r]), index, c, r))
            margins.append(float(s[c] - s[r]))
    m = np.asarray(margins)
    k = min(len(rows), math.floor(fraction * len(rows) + 1e-9))
    order = np.arange(len(rows)) if input_order else np.argsort(-m, kind='stable')[:k]
    with open(dst, 'w', encoding='utf-8') as out:
        for i in order:
            p, ch, rj, sc, sr, index, c, r = rows[i]
            out.write(json.dumps({'prompt': p, 'chosen': ch, 'rejected': rj, 'score_chosen': sc, 'score_rejected': sr,
                                  'margin': margins[i], 'prompt_index': index, 'chosen_index': c, 'rejected_index': r}) + '\n')


if __name__ == '__main__':
    main()
