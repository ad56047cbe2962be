"""Agreement of the theory's predictions with what states actually did (plain data;
presentation/case.py renders it)."""

import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from alliance_advisor.rules.case._advisor import Advisor
from alliance_advisor.rules.case._model import Case, default_library_dir, load_library


def evaluate(advisor: Advisor, directory: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Run every case with an ``observed`` response; return the agreement table."""
    directory = Path(directory) if directory else default_library_dir(advisor.kb)
    return evaluate_cases(advisor, load_library(directory, advisor.kb), directory)


def evaluate_cases(advisor: Advisor, cases: Sequence[Case], directory: str | os.PathLike[str]) -> dict[str, Any]:
    """The agreement table of the cases already read from ``directory`` (those with an
    ``observed`` response): what ``evaluate`` returns, for a folder read file by file."""
    kb = advisor.kb
    cases = [c for c in cases if c.observed]
    rows: list[dict[str, Any]] = []
    if len(cases) > 8:  # the whole space's verdicts once, then every case's distribution is a slice of it
        advisor.analyst.verdict_table(advisor.default_world)
    for case in cases:
        assert case.path is not None  # a library's cases are read from files
        result = advisor.analyze(case, explain=False)
        stability = advisor.analyst.stability(case.answers, result.world, result.verdict)
        sure = advisor.analyst.certainty(case, result.world, result.verdict)
        rows.append(
            {
                "file": Path(case.path).name,
                "title": case.title,
                "year": case.year,
                "predicted": result.verdict,
                "observed": case.observed,
                "agree": result.verdict == case.observed,
                "margin": result.margin,
                "confidence": sure["confidence"],
                "close_call": sure["certainty"].close_call,
                "distribution": sure["distribution"],
                "too_close": result.too_close,
                "decisive": list(result.decisive),
                "stability": stability.share if stability else None,
                "fragile": bool(stability and stability.fragile),
                "outcome_coded": case.observed in kb.theory.outcome_coded_responses,
            }
        )
    responses = list(kb.response_ids)
    confusion = {obs: {pred: 0 for pred in responses + ["none"]} for obs in responses}
    for row in rows:
        confusion[row["observed"]][row["predicted"] or "none"] += 1
    agreed = sum(row["agree"] for row in rows)
    per_response: dict[str, dict[str, int]] = {}
    for rid in responses:
        observed = [row for row in rows if row["observed"] == rid]
        if observed:
            per_response[rid] = {"cases": len(observed), "agree": sum(r["agree"] for r in observed)}
    # A case coded as dissolving or defecting states its outcome in its answers (the
    # alignment already broken): agreement without them is the theory's harder test.
    plain = [row for row in rows if not row["outcome_coded"]]
    plain_agreed = sum(row["agree"] for row in plain)
    return {
        "directory": str(directory),
        "cases": len(rows),
        "agree": agreed,
        "agreement": round(agreed / len(rows), 4) if rows else None,
        "without_outcome_coded": {
            "excluded": list(kb.theory.outcome_coded_responses),
            "cases": len(plain),
            "agree": plain_agreed,
            "agreement": round(plain_agreed / len(plain), 4) if plain else None,
        },
        "fragile": [row["file"] for row in rows if row["fragile"]],
        "too_close": [row["file"] for row in rows if row["too_close"]],
        "stability": {
            "perturbation": kb.scoring.perturbation,
            "draws": kb.scoring.perturbations,
            "seed": kb.scoring.seed,
            "fragile_below": kb.scoring.fragile_below,
        },
        "rows": rows,
        "scores": distribution_scores(rows, list(kb.response_ids)),
        "confusion": confusion,
        "per_response": per_response,
        "knowledge_version": kb.version,
    }


# A response the distribution gives no probability at all would make the log score
# minus infinity: every probability counts at least this much in it (declared here,
# printed with the scores).
LOG_FLOOR = 0.001


def distribution_scores(rows: Sequence[Mapping[str, Any]], responses: Sequence[str]) -> dict[str, Any]:
    """How well the distributions over the responses score on the cases (issue 28):
    the mean log score of what happened and the multi-class Brier score, beside the same
    for the library's own frequencies of responses (each case scored by the others',
    leave-one-out, with half a case added to every response so none has no chance), and
    how well the verdict's probability separates the cases the theory gets right from
    those it gets wrong (ROC-AUC: 0.5 is no better than chance)."""
    scored = [r for r in rows if r.get("distribution") is not None]
    n = len(scored)
    if n < 2:
        return {"cases": n}
    counts = {r: sum(1 for row in scored if row["observed"] == r) for r in responses}
    model_log = model_brier = base_log = base_brier = 0.0
    for row in scored:
        dist, observed = row["distribution"], row["observed"]
        model_log += math.log(max(dist.get(observed, 0.0), LOG_FLOOR))
        model_brier += sum((dist.get(r, 0.0) - (r == observed)) ** 2 for r in [*responses, "no_verdict"])
        others = {r: counts[r] - (r == observed) + 0.5 for r in responses}
        total = sum(others.values())
        base = {r: c / total for r, c in others.items()}
        base_log += math.log(base[observed])
        base_brier += sum((base[r] - (r == observed)) ** 2 for r in responses)
    hits = [row["confidence"] for row in scored if row["agree"] and row["confidence"] is not None]
    misses = [row["confidence"] for row in scored if not row["agree"] and row["confidence"] is not None]
    return {
        "cases": n,
        "log_score": round(model_log / n, 4),
        "log_score_base_rates": round(base_log / n, 4),
        "brier": round(model_brier / n, 4),
        "brier_base_rates": round(base_brier / n, 4),
        "log_floor": LOG_FLOOR,
        "auc_hits_over_misses": _auc(hits, misses),
        "hits": len(hits),
        "misses": len(misses),
        "mean_confidence_hits": round(sum(hits) / len(hits), 4) if hits else None,
        "mean_confidence_misses": round(sum(misses) / len(misses), 4) if misses else None,
    }


def _auc(positives: Sequence[float], negatives: Sequence[float]) -> float | None:
    """The probability that a random hit has a higher confidence than a random miss
    (ties count half): the area under the ROC curve, by its rank definition."""
    if not positives or not negatives:
        return None
    wins = sum((p > q) + 0.5 * (p == q) for p in positives for q in negatives)
    return round(wins / (len(positives) * len(negatives)), 4)
