#!/usr/bin/env python3
"""Independent numpy peer of pairsmith's BeeS selection (`--calibration stable|official`, `--scale-external`).

official: a transcription of the `mul` branch of the released Less-is-More code (BeeS/m_sampler.py): NaN margins
become 0 (np.nan_to_num), U searched from trunc(max / d) in unit steps, margins clipped with np.clip(m, -2, U),
shifted by +2 and divided by their own maximum, fused as p1 p2 / (p1 p2 + (1 - p1)(1 - p2)) and the top k taken
as np.argsort(P, kind='stable')[-k:] (NaN sorts last, so it is taken).
stable: the paper's p = (clip(m, L, U) - L) / (U - L), fused as logit(clip(p_ex)) + logit(clip(p_im)) (eps 1e-6),
ranked by that key, then m_ex + m_im, then index.
scale: auto = IQR(m_im) / IQR(m_ex) with np.quantile (linear), applied to m_ex before the stable calibration.

Writes the cases (inputs and expected outputs) as JSON on stdout; the test compares pairsmith with the committed
test/fidelity/peer_bees.json and, when numpy is present, checks this script still reproduces it.
usage: peer_bees.py > test/fidelity/peer_bees.json
"""
import json
import math

import numpy as np


def search_upper(m, d):
    mx = np.max(m)
    x = int(mx / d)
    while True:
        above = np.sum((m > x) & (m <= mx))
        if above < (mx - x) or above < 30 or x > mx:
            break
        x += 1
    return x


def official(m_ex, m_im, k):
    ex = np.nan_to_num(np.array(m_ex, dtype=np.float64), nan=0)
    im = np.nan_to_num(np.array(m_im, dtype=np.float64), nan=0)
    x = search_upper(im, 2.0)
    y = search_upper(ex, 1.5)
    with np.errstate(invalid='ignore', divide='ignore'):
        m1 = np.clip(im, -2, x).astype(np.float64)
        m2 = np.clip(ex, -2, y).astype(np.float64)
        m1 -= -2
        m2 -= -2
        m1 /= max(m1)
        m2 /= max(m2)
        P = m1 * m2 / ((m1 * m2) + (1 - m1) * (1 - m2))
    top = np.argsort(P, kind='stable')[-k:] if k > 0 else np.array([], dtype=np.int64)
    return {'upper_external': y, 'upper_implicit': x, 'p_external': nums(m2), 'p_implicit': nums(m1), 'score': nums(P), 'top': sorted(int(i) for i in top)}


def logit(p, eps=1e-6):
    c = np.clip(p, eps, 1 - eps)
    return np.log(c) - np.log1p(-c)


def stable(m_ex, m_im, k, scale=None):
    ex = np.array(m_ex, dtype=np.float64)
    im = np.array(m_im, dtype=np.float64)
    factor = None
    if scale == 'auto':
        fe = ex[np.isfinite(ex)]
        fi = im[np.isfinite(im)]
        factor = float((np.quantile(fi, 0.75) - np.quantile(fi, 0.25)) / (np.quantile(fe, 0.75) - np.quantile(fe, 0.25)))
    elif scale is not None:
        factor = float(scale)
    exc = ex * factor if factor is not None else ex
    exz = np.nan_to_num(exc, nan=0)
    imz = np.nan_to_num(im, nan=0)
    y = search_upper(exz, 1.5)
    x = search_upper(imz, 2.0)
    pe = (np.clip(exz, -2, y) + 2) / (y + 2)
    pi = (np.clip(imz, -2, x) + 2) / (x + 2)
    key = logit(pe) + logit(pi)
    tie = np.nan_to_num(ex, nan=0) + np.nan_to_num(im, nan=0)
    order = np.lexsort((np.arange(len(ex)), -tie, -key))
    return {'factor': factor, 'upper_external': y, 'upper_implicit': x, 'p_external': nums(pe), 'p_implicit': nums(pi), 'key': nums(key), 'top': sorted(int(i) for i in order[:k]), 'p_external_span': float(np.max(pe) - np.min(pe))}


def nums(a):
    return [None if not math.isfinite(v) else float(v) for v in np.asarray(a, dtype=np.float64)]


def main():
    rng = np.random.default_rng(15)
    n = 600
    # ArmoRM-scale external gaps (about 0.03) against summed-log-prob implicit margins; a few missing.
    armo_ex = rng.normal(0.03, 0.05, n)
    armo_im = rng.normal(8.0, 15.0, n)
    armo_ex[[3, 300, 599]] = np.nan
    armo_im[[7, 301]] = np.nan
    armo_ex = [None if not math.isfinite(v) else float(v) for v in armo_ex]
    armo_im = [None if not math.isfinite(v) else float(v) for v in armo_im]
    # The spec's eight pairs (selection.md 2.8).
    spec_ex = [-3, -0.5, 0.4, 1.2, 2.0, 3.5, 6.0, 9.0]
    spec_im = [25, 44, -6, 1, 12, -40, 5, 18]
    # 40 external margins in (0, 0.9]: U is searched to 1 > max, so max(clip) - L = 2.9, not U - L = 3.
    frac_ex = [float(v) for v in np.round(np.linspace(0.0225, 0.9, 40), 6)]
    frac_im = [float(v) for v in np.round(np.linspace(-10, 30, 40), 6)]
    # Every external margin <= L: 0/0 = NaN in every official p; and max -10: U = trunc(-10 / 1.5) = -6 < L, p = 1.
    low_ex = [-2.0, -3.0, -5.5, -2.5]
    low_im = [4.0, 1.0, -1.0, 9.0]
    neg_ex = [-10.0, -12.0, -30.0, -11.0]
    cases = []
    for name, ex, im, k in [('spec', spec_ex, spec_im, 3), ('armo', armo_ex, armo_im, 60), ('fractional-max', frac_ex, frac_im, 5), ('all-below-L', low_ex, low_im, 2), ('upper-below-L', neg_ex, low_im, 2)]:
        exf = [math.nan if v is None else v for v in ex]
        imf = [math.nan if v is None else v for v in im]
        case = {'name': name, 'external': ex, 'implicit': im, 'top': k, 'official': official(exf, imf, k)}
        if name in ('spec', 'armo', 'fractional-max'):
            case['stable'] = stable(exf, imf, k)
        if name == 'armo':
            case['stable_auto'] = stable(exf, imf, k, 'auto')
            case['stable_x150'] = stable(exf, imf, k, 150)
        cases.append(case)
    print(json.dumps({'cases': cases}))


if __name__ == '__main__':
    main()
