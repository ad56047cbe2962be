"""Wording of a history run (main.py history): the headline table, eras, best and worst years.

Shared by the text output and the reports (reports/history.py). Plain data in,
text out; no Qt.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

THEORY_NAMES = {
    "threat": "Balance of threat (this knowledge base)",
    "power": "Balance of power (against the strongest)",
    "landscape": "Landscape theory (Axelrod and Bennett 1993)",
    "inertia": "Inertia (this year's alliances)",
    "random": "Random pairs (as many as threat predicts, seeded)",
}
COLUMNS = (
    ("pairs_precision", "pairs P"),
    ("pairs_recall", "pairs R"),
    ("pairs_f1", "pairs F1"),
    ("onsets_precision", "onsets P"),
    ("onsets_recall", "onsets R"),
    ("onsets_f1", "onsets F1"),
    ("treaties_recall", "treaties R"),
    ("state_years", "state-years"),
)
METHOD = (
    "Each year of the COW state system is built as a scenario from the data up to that year only, "
    "by the mapping declared in knowledge/derivation.yaml (history): capability is the CINC share; "
    "offensive capability the mean share of the system's military expenditure and personnel; "
    "proximity COW contiguity (and a shared neighbour); intentions an ongoing strategic rivalry, "
    "force initiated in recent militarised disputes, a war under way, or an alliance in force; war "
    "status an ongoing inter-state war with a major power; the alliances in force are ATOP defence "
    "and offence pledges. The scenario engine gives each state's greatest threat, its choice and "
    "the partners it names. Predicted pairs are held against the pairs allied (ATOP defence or "
    "offence) the next year, and the onsets against the pairs allied the next year that were not "
    "allied in the year (single-year onsets); treaties recall is the share of the ATOP treaties "
    "(member level) entered the next year in which a theory predicts at least one newly allied "
    "pair, each treaty scored once. Balance of threat counts the "
    "partners each state's choice names, not every co-member of a bloc; balance of power and "
    "landscape theory predict their blocs. Scores pool the counts of all years. The mapping was "
    "developed on 1816-1945; 1946-2010 are held out and computed last."
)


def fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def headline_rows(theories: Mapping[str, Mapping[str, Any]]) -> list[list[str]]:
    """One row per theory: its name and the headline columns."""
    return [[name] + [fmt(theories[name][k]) for k, _ in COLUMNS] for name in THEORY_NAMES if name in theories]


def year_scores(run: Mapping[str, Any], theory: str = "threat") -> list[tuple[int, float, float]]:
    """(year, pairs F1, onsets F1) of one theory, per year."""
    out = []
    for key, y in sorted(run["years"].items(), key=lambda kv: int(kv[0])):
        row = []
        for part in ("pairs", "onsets"):
            tp, fp, fn = y["theories"][theory][part]
            p = tp / (tp + fp) if tp + fp else 0.0
            r = tp / (tp + fn) if tp + fn else 0.0
            row.append(2 * p * r / (p + r) if p + r else 0.0)
        out.append((int(key), row[0], row[1]))
    return out


def best_and_worst(
    run: Mapping[str, Any], n: int = 5
) -> tuple[list[tuple[int, float, float]], list[tuple[int, float, float]]]:
    """The years where balance of threat does best and worst (on pairs F1, then onsets F1)."""
    scores = sorted(year_scores(run), key=lambda t: (-t[1], -t[2], t[0]))
    return scores[:n], sorted(scores[-n:], key=lambda t: (t[1], t[2], t[0]))


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(r: Sequence[object]) -> str:
        return "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths)))

    return [line(header), line(["-" * w for w in widths]), *[line(r) for r in rows]]


def run_title(run: Mapping[str, Any]) -> str:
    """The run's title: its years, and the states it reports when filtered ("Europe")."""
    first, last = run["summary"]["years"]
    chosen = run.get("filter")
    where = f": {chosen['label']}" if chosen else ""
    return f"History of the state system, {first}-{last}{where}"


def render_history_text(run: Mapping[str, Any]) -> str:
    s = run["summary"]
    header = ["theory", *[label for _, label in COLUMNS]]
    out = [f"{run_title(run)} (mapping {run['mapping']['hash']})", ""]
    if run.get("filter"):
        out += ["The system is run whole; the scores count the pairs of the states above only.", ""]
    if s.get("evaluation"):
        out += [*evaluation_text(s["evaluation"])]
        if named := named_line(s.get("held_out")):
            out += [named, ""]
        out += ["Hard predictions (F1 at the theories' own blocs; secondary):", ""]
    out += ["All years:", *_table(header, [[r[0].split(" (")[0], *r[1:]] for r in headline_rows(s["theories"])]), ""]
    if s.get("held_out"):
        h = s["held_out"]
        out += [
            f"Held out, {h['from']}-{h['to']} (mapping frozen {h['mapping_frozen']}):",
            *_table(header, [[r[0].split(" (")[0], *r[1:]] for r in headline_rows(h["theories"])]),
            "",
        ]
    out.append("By era (balance of threat; pairs F1, onsets F1):")
    for era, theories in s["by_era"].items():
        t = theories["threat"]
        out.append(f"  {era}: {fmt(t['pairs_f1'])}, {fmt(t['onsets_f1'])} ({t['state_years']} state-years)")
    rows = s["sensitivity"]["rows"]
    if rows:
        out += ["", f"Sensitivity (balance of threat, every {s['sensitivity']['every']}th year):"]
        out += _table(
            ["variant", "pairs F1", "onsets F1"],
            [[r["variant"], fmt(r["pairs_f1"]), fmt(r["onsets_f1"])] for r in rows],
        )
    best, worst = best_and_worst(run)
    out += ["", "Best years (pairs F1, onsets F1): " + ", ".join(f"{y} ({a:.2f}, {b:.2f})" for y, a, b in best)]
    out += ["Worst years: " + ", ".join(f"{y} ({a:.2f}, {b:.2f})" for y, a, b in worst), "", "Data:"]
    out += [f"  {f['release']}: {f['citation']}" for f in run["data"]["files"]]
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------ one year (the app's History window)
YEAR_COLUMNS = ("theory", "predicted pairs", "pairs P", "pairs R", "pairs F1", "onsets P", "onsets R", "onsets F1")

# What each score column measures, in a sentence a student parses: the window's
# tooltips and the report's legends under its tables say the same.
COLUMN_HELP = {
    "theory": "The theory whose prediction the row scores; inertia and random pairs are yardsticks, not theories.",
    "predicted pairs": "How many pairs of states the theory puts together in the year.",
    "pairs P": "Of the pairs this theory puts together, the share that were allied the next year (precision).",
    "pairs R": "Of the pairs allied the next year, the share this theory put together (recall).",
    "pairs F1": "One score from the two before it (their harmonic mean): 1 when the theory names exactly "
    "the pairs allied the next year, 0 when it names none of them.",
    "onsets P": "Of the pairs this theory puts together that were not yet allied, the share that became "
    "allied the next year.",
    "onsets R": "Of the pairs that became newly allied the next year, the share this theory "
    "put together while they were not yet allied.",
    "onsets F1": "One score from the two onset shares before it (their harmonic mean): high only when the "
    "theory finds new alliances both often and accurately.",
    "treaties R": "Of the new alliance treaties, the share in which the theory put together at least one "
    "pair of members not yet allied.",
    "state-years": "How many states the scores are pooled over, counted once for each year.",
}


def column_legend(labels: Sequence[str]) -> str:
    """The help of the columns ``labels``, as one paragraph under a table: 'pairs P: ...'."""
    return " ".join(f"{label}: {COLUMN_HELP[label]}" for label in labels if label in COLUMN_HELP)


# ------------------------------------------------------------------ the plot over the years
PLOT_THEORIES = ("threat", "power", "landscape", "inertia", "random")
PREDICTED_BLOCS, OBSERVED_BLOCS = "Blocs predicted", "Blocs observed"
YearPoint = tuple[int, dict[str, float]]  # (year, {series: value}): the plot's input


def short_name(theory: str) -> str:
    """A theory's name without its gloss: 'Balance of threat'."""
    return THEORY_NAMES[theory].split(" (")[0]


def year_series(year: Mapping[str, Any]) -> dict[str, float]:
    """One year's point of the plot: each theory's pairs F1 (by its short name) and the
    number of blocs predicted (balance of threat) and observed (the next year's)."""
    out = {}
    for name in PLOT_THEORIES:
        t = year["theories"].get(name)
        if t is not None:
            out[short_name(name)] = _prf(*t["pairs"])[2]
    out[PREDICTED_BLOCS] = float(len(year.get("predicted_blocs", ())))
    out[OBSERVED_BLOCS] = float(len(year.get("observed_blocs", ())))
    return out


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def year_rows(year: Mapping[str, Any]) -> list[list[str]]:
    """One row per theory for one year: its name (short), the pairs it predicts, and its
    precision, recall and F1 on the next year's alliances and on the onsets."""
    rows = []
    for name, title in THEORY_NAMES.items():
        t = year["theories"].get(name)
        if t is None:
            continue
        pairs, onsets = _prf(*t["pairs"]), _prf(*t["onsets"])
        rows.append([title.split(" (")[0], str(t["predicted"]), *(fmt(v) for v in (*pairs, *onsets))])
    return rows


def year_heading(year: Mapping[str, Any]) -> str:
    """One line on the year's system and what it is held against."""
    war = str(year.get("war", "peace")).replace("_", " ")
    observed = len(year.get("observed_pairs", ()))
    onsets = len(year.get("onset_pairs", ()))
    return (
        f"{year['year']}: {year['state_count']} states, {war}; held against the {observed} pairs allied in "
        f"{year['year'] + 1} and the {onsets} pairs newly allied that year (onsets: not allied in {year['year']})."
    )


def observed_text(year: Mapping[str, Any], state: str) -> str:
    """Whom ``state`` was allied with the next year (what its choice is held against)."""
    states = year["states"]
    by_code = {s["cow_code"]: sid for sid, s in states.items()}
    code = states[state]["cow_code"]
    allies = sorted(
        (states[by_code[b if a == code else a]]["name"] for a, b in year["observed_pairs"] if code in (a, b)),
    )
    when = year["year"] + 1
    if not allies:
        return f"Allied with no one in {when} (ATOP defence or offence pledge)."
    return f"Allied in {when} (ATOP defence or offence pledge) with {', '.join(allies)}."


# ------------------------------------------------------------------ the field's measures (summary.evaluation)
EVALUATION_MODELS = {
    "controls": "Controls only",
    "threat": "+ balance of threat",
    "power": "+ balance of power",
    "landscape": "+ landscape theory",
    "contiguity": "Baseline: contiguity",
    "relevant": "Baseline: politically relevant pairs",
    "inertia": "Baseline: inertia (allied before, by recency)",
}
EVALUATION_COLUMNS = ("model", "ROC-AUC", "PR-AUC", "Brier", "gain in ROC-AUC", "treaty ROC-AUC", "treaty gain")
EVALUATION_METHOD = (
    "Outcome: a pair of states not allied in a year (ATOP defence or offence pledge) is allied the next "
    "year. Logits of that onset on standard controls (years since the pair was last allied as a cubic, "
    "contiguity, log capital distance, joint democracy, log capability ratio, either a major power, "
    "rivalry, a dispute in the last five years), then on the controls and each theory's graded score, "
    "fitted by statsmodels with standard errors clustered by pair. Out of sample: fitted on the years "
    "before the held-out years and judged on them (ROC-AUC, PR-AUC as average precision, Brier score), "
    "with 95% intervals from a bootstrap over pairs of the held-out predictions; the gain is the "
    "theory's ROC-AUC minus the controls', on the same replicates. Treaty by treaty, each onset counts "
    "one over the onsets its treaty brought that year, so a large treaty counts once."
)


def interval_text(entry: Mapping[str, Any] | None, signed: bool = False, digits: int = 3) -> str:
    """A figure with its 95% interval: '0.580 [0.571, 0.589]' ('' where there is none)."""
    if not entry or entry.get("value") is None:
        return ""
    zero = f"{0:.{digits}f}"
    text = f"{entry['value']:{'+' if signed else ''}.{digits}f}".replace("-" + zero, zero).replace("+" + zero, zero)
    if entry.get("low") is None:
        return text
    low, high = (f"{entry[k]:.{digits}f}".replace("-" + zero, zero) for k in ("low", "high"))
    return f"{text} [{low}, {high}]"


def evaluation_rows(models: Mapping[str, Any] | None) -> list[list[str]]:
    """One row per model and baseline: its held-out scores with intervals and, for a
    theory, its gain over the controls (pair by pair and treaty by treaty)."""
    rows = []
    for name, title in EVALUATION_MODELS.items():
        m = (models or {}).get(name)
        if m is None:
            if models and name in models:
                rows.append([title, "not estimated", "", "", "", "", ""])
            continue
        rows.append(
            [
                title,
                interval_text(m["roc_auc"]),
                interval_text(m["pr_auc"]),
                interval_text(m["brier"], digits=4),
                interval_text(m.get("gain_roc_auc"), signed=True),
                interval_text(m["treaty_weighted"]["roc_auc"]),
                interval_text(m.get("gain_treaty_roc_auc"), signed=True),
            ]
        )
    return rows


def coefficient_rows(evaluation: Mapping[str, Any]) -> tuple[list[str], list[list[str]]]:
    """The regression table of the full-panel logits: one row per term, one column per
    model, 'coefficient (clustered SE)' with stars (p < .05, .01, .001); then N, onsets,
    log-likelihood and pseudo-R2."""
    models = evaluation["models"]
    fitted = {m: models[m] for m in EVALUATION_MODELS if m in models and models[m].get("estimated")}
    header = ["term", *[EVALUATION_MODELS[m].lstrip("+ ") for m in fitted]]
    terms: list[str] = []
    for e in fitted.values():
        terms += [c["term"] for c in e["coefficients"] if c["term"] not in terms]
    rows = []
    for term in terms:
        row = [term]
        for e in fitted.values():
            c = next((c for c in e["coefficients"] if c["term"] == term), None)
            row.append("" if c is None or c["coef"] is None else _coefficient(c))
        rows.append(row)
    for key, label in (
        ("n", "N"),
        ("events", "onsets"),
        ("log_likelihood", "log-likelihood"),
        ("pseudo_r2", "pseudo-R2"),
    ):
        rows.append([label, *[f"{e[key]:,}" if isinstance(e[key], int) else fmt(e[key]) for e in fitted.values()]])
    return header, rows


def _coefficient(c: Mapping[str, Any]) -> str:
    p = c["p"] if c["p"] is not None else 1.0
    stars = "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else ""
    se = "" if c["se"] is None else f" ({c['se']:.3f})"
    return f"{c['coef']:.3f}{stars}{se}"


def rolling_rows(evaluation: Mapping[str, Any]) -> list[list[str]]:
    """Rolling by era: each era judged by the models fitted on the eras before it."""
    rows = []
    for e in evaluation["by_era"]:
        models = e.get("models") or {}
        trained = "-".join(str(y) for y in e.get("trained_on", []))

        def auc(name: str, models: Mapping[str, Any] = models) -> str:
            return interval_text((models.get(name) or {}).get("roc_auc"))

        gain = (models.get("threat") or {}).get("gain_roc_auc")
        onsets = str(e["sample"]["onsets"]) if e.get("sample") else ""
        rows.append([e["era"], trained, onsets, auc("controls"), auc("threat"), interval_text(gain, signed=True)])
    return rows


ROLLING_COLUMNS = ("era judged", "fitted on", "onsets", "controls ROC-AUC", "+ threat ROC-AUC", "gain")
PARTS_COLUMNS = ("added to the controls", "ROC-AUC", "gain in ROC-AUC", "judged against")
PARTS_HEADING = "What in balance of threat carries its gain (held out)"
PARTS_NOTE = (
    "Each part of balance of threat's score added alone to the controls, fitted and judged as above. The "
    "mapping reads any alliance in force, a neutrality, non-aggression or consultation pledge too, as benign "
    "intentions, which lowers a pair's threat points; the last rows control for those lesser pledges first."
)


def parts_rows(evaluation: Mapping[str, Any]) -> list[list[str]]:
    """Balance of threat taken apart: each part's held-out ROC-AUC and its gain."""
    parts = evaluation.get("threat_parts") or {}
    rows = []
    models = parts.get("models") or {}
    order = ("threat_points", "shared_threat", "same_bloc_threat", "pledges", "threat_with_pledges")
    for m in sorted(models, key=lambda k: order.index(k) if k in order else len(order)):
        entry, against = models[m], parts["against"][m]
        rows.append(
            [
                parts["meaning"][m],
                interval_text((entry or {}).get("roc_auc")),
                interval_text((entry or {}).get("gain_roc_auc"), signed=True),
                "the controls" if against == "controls" else "the controls and a lesser pledge",
            ]
        )
    return rows


def held_out_line(evaluation: Mapping[str, Any]) -> str:
    """What was judged: the years, rows, onsets and treaties held out, and the clean years."""
    h = evaluation["held_out"]
    if not h.get("models"):
        return "Held out: not judged (" + str(h.get("note", "")) + ")."
    s = h["sample"]
    years = "-".join(str(y) for y in h["judged_on"])
    trained = "-".join(str(y) for y in h["trained_on"])
    line = (
        f"Fitted on {trained}, judged on {years}: {s['rows']:,} pair-years at risk, {s['onsets']:,} onsets "
        f"from {s['treaties']:,} new treaties; {evaluation['bootstrap']['replicates']} bootstrap replicates over pairs."
    )
    clean = h.get("clean")
    if clean and clean.get("sample"):
        line += (
            f" The {len(clean['years'])} held-out years that nothing in the repository names "
            f"({clean['sample']['onsets']:,} onsets) are judged apart below."
        )
    return line


def named_line(held_out: Mapping[str, Any] | None) -> str:
    """What in the repository dates from the held-out years (summary.held_out.named):
    the cases, the scenarios and the years the tests use, so a reader knows which held-out
    years are not truly untouched."""
    named = (held_out or {}).get("named") or []
    if not named:
        return ""
    kinds: dict[str, list[str]] = {}
    tests: list[int] = []
    for n in named:
        if n["kind"] == "test":
            tests.append(int(n["year"]))
        else:
            kinds.setdefault(n["kind"], []).append(f"{n['name']} ({n['year']})")
    parts = [f"the {kind}s {', '.join(items)}" for kind, items in sorted(kinds.items())]
    if tests:
        parts.append("the years the tests use, " + ", ".join(str(y) for y in sorted(set(tests))))
    return (
        "Not truly held out: the repository names these held-out years (they guided the rules or check them): "
        + "; ".join(parts)
        + ". The clean years are the others."
    )


def evaluation_text(evaluation: Mapping[str, Any]) -> list[str]:
    """The field's measures as terminal text: the reading, the held-out table, rolling eras."""
    out = ["The field's measures (held out):", *[f"  {line}" for line in evaluation["reading"]], ""]
    out += [held_out_line(evaluation), ""]
    out += _table(list(EVALUATION_COLUMNS), evaluation_rows(evaluation["held_out"].get("models")))
    clean = evaluation["held_out"].get("clean")
    if clean and clean.get("models"):
        out += ["", "Held-out years no case, test or scenario names:"]
        out += _table(list(EVALUATION_COLUMNS), evaluation_rows(clean["models"]))
    if evaluation.get("threat_parts"):
        out += ["", f"{PARTS_HEADING}:", *_table(list(PARTS_COLUMNS), parts_rows(evaluation))]
        out += [f"  {line}" for line in evaluation["threat_parts"].get("reading", [])]
    if evaluation["by_era"]:
        out += ["", "Rolling by era:", *_table(list(ROLLING_COLUMNS), rolling_rows(evaluation))]
    header, rows = coefficient_rows(evaluation)
    out += ["", "Logits on all years (coefficient per SD for numeric terms, clustered SE):", *_table(header, rows)]
    return out + [""]
