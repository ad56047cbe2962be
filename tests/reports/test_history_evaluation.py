"""A history run's reports lead with the field's measures (summary.evaluation): the text
output, the Markdown, HTML and PDF reports and the recorded page, with the held-out
curves as a figure; the F1 tables follow as secondary. A small run is made by hand around
an evaluation of a synthetic panel (tests/panels.py), so no data folder is needed."""

import pytest

from alliance_advisor.presentation.history import render_history_text
from alliance_advisor.presentation.record import history_body
from alliance_advisor.rules.history import THEORIES, HistoryRun, evaluate_panel, summarise
from panels import ERAS, synthetic_panel


@pytest.fixture(scope="module")
def run():
    years = {
        str(y): {
            "year": y,
            "treaties": 1,
            "state_count": 3,
            "theories": {t: {"pairs": [1, 2, 1], "onsets": [1, 3, 1], "treaties_found": 1} for t in THEORIES},
        }
        for y in (1946, 1947)
    }
    summary = summarise(years.values())
    evaluation = evaluate_panel(
        synthetic_panel(pairs=150, first=1880, last=1999),  # not a history year: a synthetic panel
        held_out_from=1946,
        eras=ERAS[1:],
        seed=0,
        clean_years=range(1950, 1960),  # not a history year: a synthetic panel
    )
    return HistoryRun(
        {
            "kind": "history",
            "knowledge_version": "k",
            "seed": 0,
            "years": years,
            "mapping": {"hash": "abc", "frozen": "2026-01-01"},
            "data": {"files": [{"release": "X 1.0", "citation": "Someone. *Data*."}], "extracted_with": "Tool."},
            "summary": {
                "years": [1946, 1947],
                "theories": summary,
                "development": None,
                "by_era": {"1946-1989": summary},
                "sensitivity": {"theory": "threat", "every": 0, "rows": []},
                "held_out": {
                    "from": 1946,
                    "to": 1947,
                    "mapping_frozen": "2026-01-01",
                    "theories": summary,
                    "named": [
                        {"kind": "case", "name": "turkey_1947", "year": 1947},
                        {"kind": "test", "name": "tests (history.tested_years)", "year": 1946},
                    ],
                    "clean_years": [],
                },
                "evaluation": evaluation,
            },
        }
    )


def test_the_text_output_leads_with_the_field_measures(run):
    text = render_history_text(run)
    assert text.index("The field's measures") < text.index("ROC-AUC") < text.index("All years:")
    assert all(line in text for line in run["summary"]["evaluation"]["reading"]) and "Rolling by era" in text


def test_every_output_lists_what_in_the_repository_names_a_held_out_year(run, tmp_path):
    from alliance_advisor.app.export import write

    wanted = "Not truly held out"
    assert wanted in render_history_text(run) and "turkey_1947 (1947)" in render_history_text(run)
    assert wanted in "\n".join(history_body(run, "2 years"))
    write(run, tmp_path / "history.md", "md")
    page = (tmp_path / "history.md").read_text(encoding="utf-8")
    assert wanted in page and "the years the tests use, 1946" in page


def test_the_recorded_page_leads_with_the_field_measures(run):
    page = "\n".join(history_body(run, "2 years"))
    assert page.index("## The field's measures") < page.index("| + balance of threat |") < page.index("All years:")
    assert "Logits on all years" in page and "threat_sum" in page


@pytest.mark.parametrize("fmt", ["md", "html", "pdf"])
def test_the_reports_lead_with_the_field_measures_and_the_curves(run, tmp_path, fmt):
    from alliance_advisor.app.export import write

    path = tmp_path / f"history.{fmt}"
    write(run, path, fmt)
    if fmt == "pdf":
        from pypdf import PdfReader

        pages = [" ".join(p.extract_text().split()) for p in PdfReader(path).pages]
        first = pages[0]
        assert "measures" in first and "Held out: scores with 95% intervals" in first
        for heading in ("Held out: scores with 95% intervals", "Rolling by era", "Logits on all years"):
            page = next(p for p in pages if heading in p)
            following = {
                "Held out: scores with 95% intervals": "Controls only",
                "Rolling by era": "1946-1989",
                "Logits on all years": "intercept",
            }[heading]
            assert following in page.split(heading, 1)[1], f"{heading} alone at the foot of a page"
        assert all(p.strip() for p in pages)  # no blank page
        text = " ".join(pages)
    else:
        text = path.read_text(encoding="utf-8")
        figure = tmp_path / "history-curves.svg" if fmt == "md" else path
        assert "Precision-recall (held out)" in figure.read_text(encoding="utf-8")
    assert (
        text.index("Held out: scores with 95% intervals") < text.index("Logits on all years") < text.index("All years")
    )
