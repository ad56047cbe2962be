"""Agreement of the theory's predictions with what states actually did (plain data;
presentation/case.py renders it)."""

import os
from pathlib import Path
from typing import Any

from alliance_advisor.rules.case._advisor import Advisor
from alliance_advisor.rules.case._model import default_library_dir, load_library


def evaluate(advisor: Advisor, directory: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Run every case with an ``observed`` response; return the agreement table."""
    kb = advisor.kb
    directory = Path(directory) if directory else default_library_dir(kb)
    cases = [c for c in load_library(directory, kb) if c.observed]
    rows: list[dict[str, Any]] = []
    for case in cases:
        assert case.path is not None  # a library's cases are read from files
        result = advisor.analyze(case, explain=False)
        stability = advisor.analyst.stability(case.answers, result.world, result.verdict)
        rows.append(
            {
                "file": Path(case.path).name,
                "title": case.title,
                "year": case.year,
                "predicted": result.verdict,
                "observed": case.observed,
                "agree": result.verdict == case.observed,
                "confidence": result.confidence,
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
        "confusion": confusion,
        "per_response": per_response,
        "knowledge_version": kb.version,
    }
