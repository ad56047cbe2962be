"""A brief report of two pages at most and a full report whose rule tables come last, as
an appendix (issue 30): the same blocks for every format, the same option on the
command line (`analyze --report brief`) as in the app's Export dialog."""

import io
import subprocess
import sys

import pytest
from pypdf import PdfReader

from alliance_advisor.app.export import write
from alliance_advisor.reports.blocks import Figure, Heading, KeyValues, Table
from alliance_advisor.reports.case import APPENDIX_REASONING, APPENDIX_WHY_NOT, Output, brief_blocks, report_blocks
from alliance_advisor.rules import load_case
from alliance_advisor.rules.errors import ExportError
from conftest import CASES_DIR, ROOT

NORWAY = CASES_DIR / "norway_1949.yaml"
# The longest briefs of the library (most stages contested, most what-ifs) and a miss.
SAMPLE = ("bavaria_1813", "finland_1939", "persia_1881", "bulgaria_1941", "sweden_1949", "norway_1949")


@pytest.fixture(scope="module")
def norway(advisor, kb):
    return advisor.analyze(load_case(NORWAY, kb), extras=True)


def _headings(report, level=2):
    return [blk.text for blk in report.blocks if isinstance(blk, Heading) and blk.level == level]


def test_the_brief_report_says_verdict_confidence_observed_chain_propositions_and_what_if(norway):
    report = brief_blocks(norway, "2026-01-01")
    assert _headings(report) == ["The decision, stage by stage", "The propositions it rests on", "What would change it"]
    summary = next(blk for blk in report.blocks if isinstance(blk, KeyValues))
    assert [key for key, _ in summary.rows] == ["Margin", "Confidence", "Threat level", "What the state did"]
    assert not [blk for blk in report.blocks if isinstance(blk, Figure)]
    text = str(report.blocks)
    assert "Walt 1987, pp. 17, 32" in text  # B1 with its pages
    assert "--report brief" in text  # the line that makes it again


def test_the_full_report_puts_summary_what_if_worlds_analogues_before_the_appendix(norway):
    titles = _headings(report_blocks(norway, "2026-01-01"))
    order = ["The decision, stage by stage", "What if", "Three worlds", "Historical analogues", "The case"]
    positions = [titles.index(t) for t in order + [APPENDIX_REASONING, APPENDIX_WHY_NOT]]
    assert positions == sorted(positions), titles
    first = titles.index(APPENDIX_REASONING)
    assert all(t.startswith("Appendix") for t in titles[first:]), titles[first:]
    # The rule tables are all in the appendix.
    blocks = report_blocks(norway, "2026-01-01").blocks
    start = next(n for n, blk in enumerate(blocks) if isinstance(blk, Heading) and blk.text == APPENDIX_REASONING)
    rule_tables = [n for n, blk in enumerate(blocks) if isinstance(blk, Table) and blk.kind in ("steps", "support")]
    assert rule_tables and min(rule_tables) > start


def test_the_length_reaches_the_reproduce_line_and_a_bad_one_is_refused(norway, tmp_path):
    assert "--report brief" in Output("pdf", "x.pdf", "a4", "brief").command("n.yaml", "walt", "walt")
    assert "--report" not in Output("pdf", "x.pdf", "a4").command("n.yaml", "walt", "walt")
    with pytest.raises(ExportError, match="unknown report length 'short'"):
        write(norway, tmp_path / "x.md", "md", "a4", "short")


@pytest.mark.slow
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_brief_pdfs_are_two_pages_at_most_and_none_blank(advisor, kb, tmp_path, paper):
    for name in SAMPLE:
        result = advisor.analyze(load_case(CASES_DIR / f"{name}.yaml", kb), extras=True)
        path = tmp_path / f"{name}-{paper}.pdf"
        write(result, path, "pdf", paper, "brief")
        pages = PdfReader(io.BytesIO(path.read_bytes())).pages
        assert len(pages) <= 2, (name, paper, len(pages))
        for n, page in enumerate(pages, 1):
            # Beyond the running title and the footer (about 20 words), some text.
            assert len(page.extract_text().split()) > 30, (name, paper, n)


@pytest.mark.slow
def test_the_full_pdf_ends_on_a_page_with_text(norway, tmp_path):
    write(norway, tmp_path / "full.pdf", "pdf", "a4")
    pages = PdfReader(io.BytesIO((tmp_path / "full.pdf").read_bytes())).pages
    assert len(pages[-1].extract_text().split()) > 30


def _run(*args):
    return subprocess.run([sys.executable, "main.py", *args], capture_output=True, text=True, cwd=ROOT)


@pytest.mark.slow
def test_the_command_line_writes_a_brief_report_and_refuses_it_for_text(tmp_path):
    out = tmp_path / "brief.md"
    proc = _run("analyze", str(NORWAY), "--report", "brief", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    assert "## The propositions it rests on" in text and "Appendix" not in text
    proc = _run("analyze", str(NORWAY), "--report", "brief")
    assert proc.returncode == 2 and "--report takes a report" in proc.stderr
