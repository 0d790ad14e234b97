#!/usr/bin/env python3
"""Independent peer of pairsmith's loss kernels: TRL's DPO loss formulas transcribed into numpy (float64).

Two transcriptions, each following its TRL source line by line rather than pairsmith's code:
  - TRL v1.x `DPOTrainer._compute_loss` (the loss block after `chosen_logratios = ...`, v1.9.0 / main f2cd577):
    f-divergence scores for every score-using loss, sigmoid without label smoothing, bco_pair without a running mean,
    ipo/sigmoid_norm dividing the scores by the token counts, alpha_divergence as exp((alpha-1)u)/(alpha-1) with
    the exponent clamped at 80 (float32), forward_kl = -exp(-u).
  - TRL v0.28 `DPOTrainer.dpo_loss` (the last version before the v0.29 rewrite): the f-divergence changes only the
    logits; alpha_divergence (cap_exp at 88.7228) with coefficient a; sigmoid = cDPO; exo_pair floors eps at 1e-3;
    bco_pair subtracts a RunningMoments mean fed one batch mean reward per batch. Where v0.28 has no definition,
    pairsmith's documented choices are used: forward_kl = alpha with a = 1; ipo and sigmoid_norm average the
    log-probs per token (as v0.28 does when ipo is requested); sft = token-mean NLL of the batch's chosen tokens.

Writes test/losses/peer_trl.json: the inputs, the option sets (in pairsmith's LossOptions names) and every loss
per row. test/losses/trl-peer.test.ts compares all backends with it and re-runs this script when numpy is there.
Usage: python3 test/losses/peer_trl.py [--check]   (--check prints the JSON instead of writing it)
"""
import json
import math
import os
import sys

import numpy as np

BATCH = 4
ROWS = {
    # sequence log-probs of policy and reference (chosen, rejected), token counts; moderate and large log-ratios
    "policyChosen": [-10.0, -20.0, -15.0, -31.5, -8.25, -120.0, -44.0, -3.0, -60.0],
    "policyRejected": [-12.0, -19.0, -15.5, -29.0, -9.5, -90.0, -47.5, -2.0, -61.0],
    "referenceChosen": [-11.0, -19.5, -15.4, -30.0, -9.0, -100.0, -45.0, -3.5, -64.0],
    "referenceRejected": [-11.5, -20.0, -15.0, -28.5, -9.0, -110.0, -46.0, -1.0, -57.0],
    "chosenLength": [20.0, 14.0, 9.0, 33.0, 5.0, 80.0, 40.0, 1.0, 0.0],
    "rejectedLength": [25.0, 11.0, 12.0, 30.0, 7.0, 64.0, 44.0, 3.0, 2.0],
}
TRL_LOSSES = ["sigmoid", "robust", "hinge", "ipo", "exo_pair", "nca_pair", "sppo_hard", "apo_zero", "apo_down",
              "discopop", "bco_pair", "aot", "aot_unpaired", "sft", "sigmoid_norm"]

OPTION_SETS = [
    {"trl": "v0.28", "beta": 0.1},
    {"trl": "v0.28", "beta": 0.3, "labelSmoothing": 0.2},
    {"trl": "v0.28", "beta": 0.1, "fDivergence": "js_divergence", "labelSmoothing": 0.05},
    {"trl": "v0.28", "beta": 0.2, "fDivergence": "alpha_divergence", "fAlpha": 0.5},
    {"trl": "v0.28", "beta": 0.2, "fDivergence": "alpha_divergence", "fAlpha": -0.7, "discopopTau": 0.5},
    {"trl": "v0.28", "beta": 0.1, "fDivergence": "forward_kl"},
    {"trl": "v1", "beta": 0.1, "labelSmoothing": 0.1},
    {"trl": "v1", "beta": 0.3, "fDivergence": "js_divergence", "labelSmoothing": 0.2},
    {"trl": "v1", "beta": 0.2, "fDivergence": "alpha_divergence", "labelSmoothing": 0.1},
    {"trl": "v1", "beta": 0.2, "fDivergence": "alpha_divergence", "fAlpha": 1.6, "labelSmoothing": 0.1, "discopopTau": 0.5},
    {"trl": "v1", "beta": 0.1, "fDivergence": "forward_kl", "labelSmoothing": 0.1},
]


def logsigmoid(x):
    # torch.nn.functional.logsigmoid, computed stably: -softplus(-x)
    return -np.logaddexp(0.0, -x)


def sigmoid(x):
    return np.exp(logsigmoid(x))


def discopop(logits, tau):
    # TRL: -logsigmoid(l) * (1 - m) + exp(-l) * m with m = sigmoid(l / tau); exp(-l) * m is taken as
    # exp(logsigmoid(l / tau) - l), the same number, so that large negative logits (alpha or forward KL scores
    # under TRL v1) give the limit instead of inf * 0
    modulation = sigmoid(logits / tau)
    return -logsigmoid(logits) * (1 - modulation) + np.exp(logsigmoid(logits / tau) - logits)


def batches(n):
    return [(s, min(n, s + BATCH)) for s in range(0, n, BATCH)]


def aot_losses(a, b, beta, eps):
    out = np.empty_like(a)
    for s, e in batches(len(a)):
        delta = np.sort(a[s:e], kind="stable") - np.sort(b[s:e], kind="stable")
        out[s:e] = -logsigmoid(beta * delta) * (1 - eps) - logsigmoid(-beta * delta) * eps
    return out


def sft_losses(pc, n_w):
    out = np.empty_like(pc)
    for s, e in batches(len(pc)):
        out[s:e] = -pc[s:e].sum() / max(n_w[s:e].sum(), 1.0)
    return out


def trl_v1(x, o):
    """TRL v1.x: the loss block of DPOTrainer._compute_loss, one loss type at a time."""
    beta = o.get("beta", 0.1)
    eps = o.get("labelSmoothing", 0.0)
    f = o.get("fDivergence", "reverse_kl")
    coef_alpha = o.get("fAlpha", 0.5)
    tau = o.get("discopopTau", 0.05)
    pc, pr, rc, rr = (np.array(x[k]) for k in ("policyChosen", "policyRejected", "referenceChosen", "referenceRejected"))
    chosen_mask_sum = np.maximum(np.array(x["chosenLength"]), 1.0)
    rejected_mask_sum = np.maximum(np.array(x["rejectedLength"]), 1.0)
    chosen_logratios = pc - rc
    rejected_logratios = pr - rr
    if f == "reverse_kl":
        chosen_scores, rejected_scores = chosen_logratios, rejected_logratios
    elif f == "forward_kl":
        # TRL computes -exp(-u) unclamped; pairsmith clamps the exponent as alpha_divergence does (these inputs
        # stay far below the clamp, so both agree here)
        chosen_scores, rejected_scores = -np.exp(-chosen_logratios), -np.exp(-rejected_logratios)
    elif f == "js_divergence":
        chosen_scores, rejected_scores = logsigmoid(chosen_logratios), logsigmoid(rejected_logratios)
    else:
        if abs(coef_alpha - 1.0) < 1e-6:
            chosen_scores, rejected_scores = chosen_logratios, rejected_logratios
        else:
            coef = 1.0 / (coef_alpha - 1.0)
            t_chosen = np.minimum((coef_alpha - 1.0) * chosen_logratios, 80.0)
            t_rejected = np.minimum((coef_alpha - 1.0) * rejected_logratios, 80.0)
            chosen_scores, rejected_scores = np.exp(t_chosen) * coef, np.exp(t_rejected) * coef
    delta_score = chosen_scores - rejected_scores
    out = {}
    out["sigmoid"] = -logsigmoid(beta * delta_score)
    out["hinge"] = np.maximum(0.0, 1 - beta * delta_score)
    ipo_delta = chosen_scores / chosen_mask_sum - rejected_scores / rejected_mask_sum
    out["ipo"] = (ipo_delta - 1 / (2 * beta)) ** 2
    qw, ql = sigmoid(beta * delta_score), sigmoid(-beta * delta_score)
    out["exo_pair"] = qw * (logsigmoid(beta * delta_score) - math.log1p(-eps)) + ql * (logsigmoid(-beta * delta_score) - math.log(eps))
    cr, rr_ = beta * chosen_scores, beta * rejected_scores
    out["nca_pair"] = -logsigmoid(cr) - 0.5 * logsigmoid(-cr) - 0.5 * logsigmoid(-rr_)
    out["robust"] = (-(1 - eps) * logsigmoid(beta * delta_score) + eps * logsigmoid(-beta * delta_score)) / (1 - 2 * eps)
    out["bco_pair"] = -logsigmoid(cr) - logsigmoid(-rr_)
    out["sppo_hard"] = (chosen_scores - 0.5 / beta) ** 2 + (rejected_scores + 0.5 / beta) ** 2
    out["aot"] = aot_losses(pc - pr, rc - rr, beta, eps)
    out["aot_unpaired"] = aot_losses(chosen_logratios, rejected_logratios, beta, eps)
    out["apo_zero"] = (1 - sigmoid(beta * chosen_logratios)) + sigmoid(beta * rejected_logratios)
    out["apo_down"] = sigmoid(beta * chosen_logratios) + (1 - sigmoid(beta * delta_score))
    logits = delta_score * beta
    out["discopop"] = discopop(logits, tau)
    out["sft"] = sft_losses(pc, np.array(x["chosenLength"]))
    out["sigmoid_norm"] = -logsigmoid(beta * (chosen_scores / chosen_mask_sum - rejected_scores / rejected_mask_sum))
    return out


def cap_exp(v, cap=88.7228):
    # TRL v0.28 trl.trainer.utils.cap_exp for float32: exp(clamp(v, max=log(float32 max)))
    return np.exp(np.minimum(v, cap))


def trl_v028(x, o):
    """TRL v0.28: DPOTrainer.dpo_loss for each loss type, the batch rows in consecutive batches."""
    beta = o.get("beta", 0.1)
    eps = o.get("labelSmoothing", 0.0)
    f = o.get("fDivergence", "reverse_kl")
    alpha_coef = o.get("fAlpha", 1.0)
    tau = o.get("discopopTau", 0.05)
    pc, pr, rc, rr = (np.array(x[k]) for k in ("policyChosen", "policyRejected", "referenceChosen", "referenceRejected"))
    n_w = np.maximum(np.array(x["chosenLength"]), 1.0)
    n_l = np.maximum(np.array(x["rejectedLength"]), 1.0)

    def logits_of(pc, pr, rc, rr):
        chosen_logratios = pc - rc
        rejected_logratios = pr - rr
        if f == "forward_kl" or (f == "alpha_divergence" and abs(alpha_coef) >= 1e-6):
            a = 1.0 if f == "forward_kl" else alpha_coef
            return (cap_exp(rejected_logratios * -a) - cap_exp(chosen_logratios * -a)) / a
        logits = (pc - pr) - (rc - rr)
        if f == "js_divergence":
            logits = logits - (np.logaddexp(0.0, chosen_logratios) - np.logaddexp(0.0, rejected_logratios))
        return logits

    logits = logits_of(pc, pr, rc, rr)
    out = {}
    out["sigmoid"] = -logsigmoid(beta * logits) * (1 - eps) - logsigmoid(-beta * logits) * eps
    out["robust"] = (-logsigmoid(beta * logits) * (1 - eps) + logsigmoid(-beta * logits) * eps) / (1 - 2 * eps)
    e = eps if eps != 0 else 1e-3
    out["exo_pair"] = sigmoid(beta * logits) * (logsigmoid(beta * logits) - math.log(1 - e)) + sigmoid(-beta * logits) * (logsigmoid(-beta * logits) - math.log(e))
    out["hinge"] = np.maximum(0.0, 1 - beta * logits)
    # ipo: TRL v0.28 averages the log-probs per token when ipo is requested (pairsmith: for ipo only)
    ipo_logits = logits_of(pc / n_w, pr / n_l, rc / n_w, rr / n_l)
    out["ipo"] = (ipo_logits - 1 / (2 * beta)) ** 2
    out["sigmoid_norm"] = -logsigmoid(beta * ipo_logits)
    shift = np.empty_like(pc)
    running_sum, running_count = 0.0, 0
    for s, e_ in batches(len(pc)):
        rewards = np.concatenate([beta * (pc[s:e_] - rc[s:e_]), beta * (pr[s:e_] - rr[s:e_])]).mean()
        running_sum += rewards
        running_count += 1
        shift[s:e_] = running_sum / running_count
    out["bco_pair"] = -logsigmoid(beta * (pc - rc) - shift) - logsigmoid(-(beta * (pr - rr) - shift))
    a, b = pc - rc, pr - rr
    out["sppo_hard"] = (a - 0.5 / beta) ** 2 + (b + 0.5 / beta) ** 2
    out["nca_pair"] = -logsigmoid(a * beta) - 0.5 * logsigmoid(-a * beta) - 0.5 * logsigmoid(-b * beta)
    out["aot_unpaired"] = aot_losses(a, b, beta, eps)
    out["aot"] = aot_losses(pc - pr, rc - rr, beta, eps)
    out["apo_zero"] = 1 - sigmoid(beta * a) + sigmoid(beta * b)
    out["apo_down"] = sigmoid(beta * a) + 1 - sigmoid(beta * (a - b))
    out["discopop"] = discopop(((pc - pr) - (rc - rr)) * beta, tau)
    out["sft"] = sft_losses(pc, np.array(x["chosenLength"]))
    return out


def main():
    cases = []
    for o in OPTION_SETS:
        losses = trl_v1(ROWS, o) if o["trl"] == "v1" else trl_v028(ROWS, o)
        cases.append({"options": {**o, "losses": TRL_LOSSES, "batchSize": BATCH}, "loss": {k: losses[k].tolist() for k in TRL_LOSSES}})
    doc = {"generated_by": "test/losses/peer_trl.py (numpy %s); do not edit" % np.__version__, "rows": ROWS, "cases": cases}
    text = json.dumps(doc, indent=1) + "\n"
    if "--check" in sys.argv:
        sys.stdout.write(text)
    else:
        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "peer_trl.json"), "w") as fh:
            fh.write(text)


if __name__ == "__main__":
    main()
