"""Agreement of the theory's predictions with what states actually did."""
from pathlib import Path

from .advisor import Advisor
from .cases import default_library_dir, load_library


def evaluate(advisor: Advisor, directory=None):
    """Run every case with an ``observed`` response; return the agreement table."""
    kb = advisor.kb
    directory = Path(directory) if directory else default_library_dir(kb)
    cases = [c for c in load_library(directory, kb) if c.observed]
    rows = []
    for case in cases:
        result = advisor.analyze(case, explain=False)
        rows.append({"file": Path(case.path).name, "title": case.title, "year": case.year,
                     "predicted": result.verdict, "observed": case.observed,
                     "agree": result.verdict == case.observed, "confidence": result.confidence})
    responses = list(kb.response_ids)
    confusion = {obs: {pred: 0 for pred in responses + ["none"]} for obs in responses}
    for row in rows:
        confusion[row["observed"]][row["predicted"] or "none"] += 1
    agreed = sum(row["agree"] for row in rows)
    per_response = {}
    for rid in responses:
        observed = [row for row in rows if row["observed"] == rid]
        if observed:
            per_response[rid] = {"cases": len(observed), "agree": sum(r["agree"] for r in observed)}
    return {"directory": str(directory), "cases": len(rows), "agree": agreed,
            "agreement": round(agreed / len(rows), 4) if rows else None,
            "rows": rows, "confusion": confusion, "per_response": per_response,
            "knowledge_version": kb.version}


def _label(kb, response_id):
    return kb.response(response_id).label if response_id else "no verdict"


def _stacked(text, width):
    """A column title broken at spaces into lines no wider than ``width`` (a word
    longer than that sets the width instead: nothing is cut)."""
    lines = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def render_evaluation_text(table, kb) -> str:
    """The agreement table for people: response labels, not ids; whole column titles,
    stacked over as many lines as they need, every column aligned."""
    rows = table["rows"]
    lines = [f"Cases: {table['cases']} from {table['directory']}", ""]
    labels = {rid: _label(kb, rid) for rid in kb.response_ids}
    file_w = max([len("Case file")] + [len(r["file"]) for r in rows])
    resp_w = max([len("Predicted"), len("no verdict")] + [len(v) for v in labels.values()])
    lines.append(f"{'Case file':{file_w}s}  {'Year':>5s}  {'Predicted':{resp_w}s}  Observed")
    for row in rows:
        mark = "  <- differs" if not row["agree"] else ""
        year = "" if row.get("year") is None else str(row["year"])
        lines.append(f"{row['file']:{file_w}s}  {year:>5s}  {_label(kb, row['predicted']):{resp_w}s}  "
                     f"{_label(kb, row['observed']):{resp_w}s}{mark}".rstrip())
    lines.append("")
    if table["cases"]:
        lines.append(f"Agreement: {table['agree']}/{table['cases']} = {table['agreement']:.1%}")
    lines.append("")

    columns = list(kb.response_ids) + ["none"]
    titles = {rid: labels.get(rid, "no verdict") for rid in columns}
    # Each column as wide as the longest word of its title (and at least 5, for the
    # counts): a title of several words stacks over lines instead of being cut.
    widths = {rid: max([5] + [len(word) for word in titles[rid].split()]) for rid in columns}
    stacked = {rid: _stacked(titles[rid], widths[rid]) for rid in columns}
    depth = max(len(v) for v in stacked.values())
    observed = [rid for rid in kb.response_ids if any(table["confusion"][rid].values())]
    row_w = max([len("Observed")] + [len(labels[rid]) for rid in observed])
    lines.append("Confusion (rows: observed, columns: predicted)")
    for n in range(depth):
        cells = [stacked[rid][n - (depth - len(stacked[rid]))] if n >= depth - len(stacked[rid]) else ""
                 for rid in columns]
        left = "Observed" if n == depth - 1 else ""
        lines.append((f"{left:{row_w}s}" + "".join(f"  {c:>{widths[rid]}s}"
                                                     for c, rid in zip(cells, columns))).rstrip())
    for rid in observed:
        counts = table["confusion"][rid]
        lines.append(f"{labels[rid]:{row_w}s}" + "".join(f"  {counts[p]:{widths[p]}d}" for p in columns))
    return "\n".join(lines) + "\n"
