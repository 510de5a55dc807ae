"""Reads cases as JSON on stdin, answers each with SciPy's result as JSON on stdout.

The judge's statistics are checked against these values (test/judge/statistics-vs-scipy.test.ts)."""
import json
import sys

import numpy as np
from scipy import stats


def answer(case):
    kind = case["kind"]
    if kind == "mannwhitneyu":
        r = stats.mannwhitneyu(case["x"], case["y"], use_continuity=True,
                               alternative=case["alternative"], method=case["method"])
        return {"u1": float(r.statistic), "pValue": float(r.pvalue)}
    if kind == "fisher":
        table = case["table"]
        r = stats.fisher_exact(table, alternative=case["alternative"])
        return {"oddsRatio": float(r.statistic), "pValue": float(r.pvalue)}
    if kind == "ztest":
        # Pooled two-proportion z-test written out with SciPy's normal distribution.
        (e1, n1), (e2, n2) = case["a"], case["b"]
        p = (e1 + e2) / (n1 + n2)
        se = np.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
        z = (e1 / n1 - e2 / n2) / se
        alt = case["alternative"]
        pv = stats.norm.sf(z) if alt == "greater" else stats.norm.cdf(z) if alt == "less" else 2 * stats.norm.sf(abs(z))
        return {"z": float(z), "pValue": float(min(1.0, pv))}
    if kind == "chi2_contingency":
        r = stats.chi2_contingency(np.array(case["table"]), correction=False)
        return {"statistic": float(r.statistic), "pValue": float(r.pvalue), "dof": int(r.dof)}
    if kind == "special":
        return {
            "normCdf": [float(stats.norm.cdf(z)) for z in case["z"]],
            "normSf": [float(stats.norm.sf(z)) for z in case["z"]],
            "normPpf": [float(stats.norm.ppf(p)) for p in case["p"]],
            "chi2Sf": [float(stats.chi2.sf(x, k)) for x, k in case["chi2"]],
        }
    raise ValueError(f"unknown case kind {kind}")


cases = json.load(sys.stdin)
def finite_or_name(v):
    # JSON has no Infinity/NaN: send them as the strings JavaScript's Number() understands.
    if isinstance(v, float) and not np.isfinite(v):
        return "NaN" if np.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
    if isinstance(v, list):
        return [finite_or_name(x) for x in v]
    if isinstance(v, dict):
        return {k: finite_or_name(x) for k, x in v.items()}
    return v


json.dump(finite_or_name([answer(c) for c in cases]), sys.stdout)
