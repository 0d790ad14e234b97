#!/usr/bin/env python3
"""Independent PCP optimum of noisy BTL logit matrices, the peer of the IALM's stopping rule (issue #15).

Each matrix: s ~ N(0, 1), Y = s 1^T - 1 s^T + (E - E^T) with E_ij ~ N(0, noise^2) above the diagonal, a fraction
alpha of the pairs flipped (both entries). The reference optimum of min ||L||_* + lambda ||S||_1 s.t. L + S = D,
lambda = 1/sqrt(n), is a plain ADMM with a fixed penalty mu = n^2 / (4 ||D||_1) (Candes et al. Algorithm 1) run for
a fixed 8000 iterations with numpy's dense SVD. It prints the duality gap (the scaled multiplier is a dual-feasible
point, so <Y, D> is a lower bound) to show the reference is converged.

usage: rpca_optimum.py <out.json>
"""
import json
import sys

import numpy as np

CASES = [  # n, alpha, noise, seed
    (30, 0.15, 0.5, 1),
    (30, 0.15, 0.5, 2),
    (20, 0.10, 0.3, 3),
    (48, 0.10, 0.5, 4),
    (64, 0.05, 0.2, 5),
]


def shrink(x, t):
    return np.sign(x) * np.maximum(np.abs(x) - t, 0)


def svt(x, t):
    u, s, vt = np.linalg.svd(x, full_matrices=False)
    k = int((s > t).sum())
    return (u[:, :k] * (s[:k] - t)) @ vt[:k]


def btl(n, alpha, noise, seed):
    r = np.random.default_rng(seed)
    s = r.standard_normal(n)
    y = s[:, None] - s[None, :]
    e = np.triu(r.standard_normal((n, n)) * noise, 1)
    y = y + e - e.T
    f = np.triu(r.random((n, n)) < alpha, 1)
    f = f | f.T
    y[f] = -y[f]
    return y


def reference(d, lam, iters=8000):
    m, n = d.shape
    mu = m * n / (4 * np.abs(d).sum())
    L = np.zeros_like(d)
    S = np.zeros_like(d)
    Y = np.zeros_like(d)
    for _ in range(iters):
        S = shrink(d - L + Y / mu, lam / mu)
        L = svt(d - S + Y / mu, 1 / mu)
        Y += mu * (d - L - S)
    primal = np.linalg.svd(L, compute_uv=False).sum() + lam * np.abs(S).sum()
    yf = Y / max(np.linalg.norm(Y, 2), np.abs(Y).max() / lam)
    return L, primal, float((yf * d).sum()), np.linalg.norm(d - L - S) / np.linalg.norm(d)


def main():
    out = []
    for n, alpha, noise, seed in CASES:
        d = btl(n, alpha, noise, seed)
        lam = 1 / np.sqrt(n)
        L, p, dual, res = reference(d, lam)
        print(f"n={n} alpha={alpha} noise={noise} seed={seed}: objective {p:.10f} gap {(p - dual) / p:.2e} residual {res:.1e}",
              file=sys.stderr)
        out.append({"n": n, "alpha": alpha, "noise": noise, "seed": seed, "lambda": lam, "D": d.ravel().tolist(),
                    "objective": p, "dual_bound": dual, "row_means": L.mean(axis=1).tolist()})
    with open(sys.argv[1], "w") as f:
        json.dump({"generator": "bench/peers/rpca_optimum.py", "cases": out}, f)


if __name__ == "__main__":
    main()
