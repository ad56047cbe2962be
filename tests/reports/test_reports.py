"""Reasoning reports: export each format for a shipped case and read the file back."""

import dataclasses
import json
import os
import re
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from alliance_advisor.app.export import FORMATS, write_report
from alliance_advisor.reports.blocks import Heading
from alliance_advisor.reports.case import Output, report_blocks
from alliance_advisor.reports.html import render_html
from alliance_advisor.reports.markdown import escape_markdown, render_markdown
from alliance_advisor.rules import ExportError, load_case
from alliance_advisor.rules.case import Analogue, Flip, WhatIf, WorldOutcome
from conftest import CASES_DIR, ROOT

NORWAY = CASES_DIR / "norway_1949.yaml"
HOSTILE = "<script>alert(1)</script> <img src=x onerror=alert(1)>"


def html_of(result):
    """A case's report as HTML: the case's builder lays it out, the renderer formats it."""
    return render_html(report_blocks(result, output=Output("html")))


def markdown_of(result, image_stem):
    return render_markdown(report_blocks(result, output=Output("md", f"{image_stem}.md")), image_stem)


@pytest.fixture(scope="module")
def norway(advisor, kb):
    return advisor.analyze(load_case(NORWAY, kb), extras=True)


@pytest.fixture(scope="module")
def hostile(advisor, kb):
    case = load_case(NORWAY, kb)
    case.title = f"Norway {HOSTILE}"
    case.state = "Norway <b>bold</b>"
    case.threat = "[click](javascript:alert(1)) *x* | y"
    case.notes = f"Notes {HOSTILE}\n\n# not a heading\n\n- not a list | `code`"
    case.sources = [HOSTILE, "<a href='http://evil.example'>link</a>"]
    return advisor.analyze(case, extras=True)


class Page(HTMLParser):
    """The tags, attributes and text of an HTML page."""

    def __init__(self, text):
        super().__init__()
        self.tags, self.attrs, self.text = [], [], []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)

    def handle_data(self, data):
        self.text.append(data)

    @property
    def words(self):
        """The visible text with whitespace normalised."""
        return " ".join("".join(self.text).split())


# ----------------------------------------------------------------------- HTML


def test_html_report_is_self_contained_and_complete(norway, tmp_path):
    out = tmp_path / "norway.html"
    write_report(norway, "html", out)
    page = Page(out.read_text(encoding="utf-8"))
    text = page.words
    assert "script" not in page.tags
    assert not {"link", "iframe", "object", "embed", "img"} & set(page.tags)
    assert not [v for k, v in page.attrs if k in ("src", "href") and v and not v.startswith("#")]
    assert page.tags.count("svg") == 3  # chain, threat profile, support: inline
    assert "The theory predicts: Balance" in text
    assert "0.10" in text and "severe" in text
    for item in norway.fired:  # every fired rule, with its page
        assert item.rule in text
    assert "How near is the threatening power?" in text and "Neighbour" in text
    assert "Why not the other responses" in text and "C3-FREE-RIDE" in text
    assert "The Origins of Alliances" in text and "Lundestad" in text
    assert norway.knowledge_version in text


def test_html_shows_hostile_user_text_and_runs_nothing(hostile):
    html = html_of(hostile)
    page = Page(html)
    assert "script" not in page.tags and "img" not in page.tags and "b" not in page.tags
    assert not any(k.startswith("on") for k, _ in page.attrs)
    text = page.words
    assert HOSTILE in text  # shown as text, title and notes alike
    assert "<a href='http://evil.example'>link</a>" in text
    assert "evil.example" not in " ".join(v or "" for _, v in page.attrs)


def test_html_marks_unknown_answers(advisor, kb):
    case = load_case(NORWAY, kb).with_answer("intentions", "unknown")
    text = Page(html_of(advisor.analyze(case))).words
    assert "Unknown" in text and "reasoned without it" in text
    assert "estimated" in text or "Unknown answers" in text


# ------------------------------------------------------------------- Markdown


def test_markdown_images_resolve_to_valid_svg(norway, tmp_path):
    out = tmp_path / "my report.md"
    write_report(norway, "md", out)
    text = out.read_text(encoding="utf-8")
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert len(links) == 3
    for link in links:
        image = out.parent / link.replace("%20", " ")
        assert image.is_file(), link
        assert ET.parse(image).getroot().tag == "{http://www.w3.org/2000/svg}svg"
    assert "The theory predicts: **Balance**" in text
    assert "| Question | Answer | What the answer means |" in text
    assert all(item.rule in text for item in norway.fired)


def test_markdown_escapes_user_text(hostile, tmp_path):
    text = markdown_of(hostile, "r")
    assert "<script" not in text and "<img" not in text and "<b>" not in text and "<a " not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "[click](javascript" not in text  # no link can be formed
    assert "\n# not a heading" not in text and "\n- not a list" not in text
    # Table cells cannot be split by a user's pipe.
    assert "y \\| " not in text or "\\|" in text


@pytest.mark.parametrize(
    "raw, literal",
    [
        ("*a* _b_", "\\*a\\* \\_b\\_"),
        ("[x](http://y)", "\\[x\\](http://y)"),
        ("a | b", "a \\| b"),
        ("<b>&", "&lt;b&gt;&amp;"),
        ("line\nbreak", "line break"),
    ],
)
def test_escape_markdown(raw, literal):
    assert escape_markdown(raw) == literal


# ------------------------------------------------------------------------ PDF


def _pdf(path):
    from pypdf import PdfReader

    return PdfReader(str(path))


def _words(page):
    # Text extraction splits words at kerning and joins others: compare without spaces.
    return "".join(page.extract_text().split())


def _squash(text):
    return "".join(text.split())


@pytest.fixture(scope="module")
def pdfs(norway, tmp_path_factory):
    folder = tmp_path_factory.mktemp("pdf")
    out = {}
    for paper in ("a4", "letter"):
        out[paper] = folder / f"norway-{paper}.pdf"
        write_report(norway, "pdf", out[paper], paper=paper)
    return out


def test_pdf_opens_holds_the_verdict_and_numbers_every_page(pdfs, norway):
    reader = _pdf(pdfs["a4"])
    pages = [_words(page) for page in reader.pages]
    total = len(pages)
    assert total >= 3
    text = "\n".join(pages)
    assert _squash("The theory predicts: Balance") in text
    assert _squash("Norway joins the Atlantic alliance") in text
    assert norway.knowledge_version in text
    for number, page in enumerate(pages, 1):
        assert f"page{number}of{total}" in page
    # Nothing is lost to pagination: every section and every fired rule is there.
    headings = [blk.text for blk in report_blocks(norway).blocks if isinstance(blk, Heading)]
    assert "References" in headings and "What if" in headings
    for heading in headings:
        assert _squash(heading) in text
    for item in norway.fired:
        assert item.rule in text


@pytest.mark.parametrize("paper, size", [("a4", (595, 842)), ("letter", (612, 792))])
def test_pdf_paper_sizes(pdfs, paper, size):
    reader = _pdf(pdfs[paper])
    boxes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages]
    assert boxes[0] == size
    # The inference chain gets a landscape page of its own; the rest is portrait.
    assert boxes.count(size[::-1]) == 1
    assert all(box in (size, size[::-1]) for box in boxes)


# ----------------------------------------------------------------------- JSON


def test_json_round_trips(norway, tmp_path):
    out = tmp_path / "norway.json"
    write_report(norway, "json", out)
    data = json.loads(out.read_text(encoding="utf-8"))
    # The result object, with the program's version beside the knowledge base's.
    from alliance_advisor.rules.version import app_version

    assert data.pop("app_version") == app_version()
    assert data == json.loads(json.dumps(norway.to_dict()))


# -------------------------------------------------------------------- failure


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_unwritable_path_raises_export_error_and_leaves_nothing(norway, tmp_path, fmt):
    target = tmp_path / "missing" / f"report.{fmt}"
    with pytest.raises(ExportError) as err:
        write_report(norway, fmt, target)
    assert str(target) in str(err.value)
    assert not (tmp_path / "missing").exists()


def test_failed_markdown_export_removes_its_images(norway, tmp_path):
    (tmp_path / "report.md").mkdir()  # the report itself cannot be written
    with pytest.raises(ExportError, match="report.md"):
        write_report(norway, "md", tmp_path / "report.md")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]


def test_unknown_format_and_paper(norway, tmp_path):
    with pytest.raises(ExportError, match="unknown report format"):
        write_report(norway, "docx", tmp_path / "r.docx")
    with pytest.raises(ExportError, match="unknown paper size"):
        write_report(norway, "pdf", tmp_path / "r.pdf", paper="a3")
    assert list(tmp_path.iterdir()) == []


def test_formats_are_dialog_filters():
    assert set(FORMATS) == {"md", "html", "pdf", "json"}
    assert all(re.fullmatch(r".+ \(\*\.\w+\)", text) for text in FORMATS.values())


# ------------------------------------------------------------------ extras


def test_extras_are_rendered_when_present(norway, kb):
    result = dataclasses.replace(
        norway,
        whatif=WhatIf((Flip("ally_availability", "probable", "none", "bandwagon"),), {}, False),
        worlds={w.id: WorldOutcome(w.id, w.title, "balance", "Balance", 0.5, {}, w.advice, w.risk) for w in kb.worlds},
        analogues=(
            Analogue(
                "turkey_1947.yaml",
                "Turkey stands firm",
                1947,
                "Turkey",
                "Soviet Union",
                0.91,
                11,
                "balance",
                "balance",
                True,
                ("proximity",),
            ),
        ),
    )
    text = Page(html_of(result)).words
    markdown = markdown_of(result, "r")
    for rendered in (text, markdown):
        assert "What if" in rendered and "Three worlds" in rendered and "Historical analogues" in rendered
        assert "Turkey stands firm" in rendered and "91%" in rendered
        assert "A bandwagoning world" in rendered


# ------------------------------------------------------------------------ CLI


def run(*args, env=None):
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True, cwd=ROOT, timeout=180, env=env
    )


def test_cli_writes_an_html_report(tmp_path):
    out = tmp_path / "norway.html"
    proc = run("analyze", str(NORWAY), "--format", "html", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "The theory predicts: Balance" in Page(out.read_text(encoding="utf-8")).words


def test_cli_writes_a_pdf_on_a_headless_machine(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    out = tmp_path / "norway.pdf"
    proc = run("analyze", str(NORWAY), "--format", "pdf", "--paper", "letter", "-o", str(out), env=env)
    assert proc.returncode == 0, proc.stderr
    assert _squash("The theory predicts: Balance") in _words(_pdf(out).pages[0])


@pytest.mark.parametrize("fmt", ["html", "md", "pdf"])
def test_cli_unwritable_path_exits_2_with_one_line(tmp_path, fmt):
    out = tmp_path / "no" / "such" / f"report.{fmt}"
    proc = run("analyze", str(NORWAY), "--format", fmt, "-o", str(out))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and str(out) in lines[0] and "Traceback" not in proc.stderr
    assert not Path(tmp_path / "no").exists()


# ------------------------------------------------------ reproducing and citing


def _reproduce_command(text):
    match = re.search(r"python main\.py analyze \S+(?: --\w+ \S+)* -o [^\s`]+", text)
    assert match, "no reproduce command in the report"
    return match.group(0)


@pytest.mark.parametrize(
    "fmt, name, paper, expected",
    [
        ("html", "out.html", "a4", "python main.py analyze norway_1949.yaml --format html -o out.html"),
        ("md", "notes.md", "a4", "python main.py analyze norway_1949.yaml --format md -o notes.md"),
        (
            "pdf",
            "report.pdf",
            "letter",
            "python main.py analyze norway_1949.yaml --format pdf --paper letter -o report.pdf",
        ),
        ("pdf", "r.pdf", "a4", "python main.py analyze norway_1949.yaml --format pdf --paper a4 -o r.pdf"),
    ],
)
def test_reproduce_line_names_the_real_format_name_and_paper(norway, tmp_path, fmt, name, paper, expected):
    out = tmp_path / name
    write_report(norway, fmt, out, paper=paper)
    if fmt == "pdf":
        # pypdf may break the line anywhere and loses spaces at kerning: compare squashed.
        text = "".join(_words(page) for page in _pdf(out).pages)
        assert _squash(expected) in text
        assert _squash("--format html") not in text
    else:
        text = out.read_text(encoding="utf-8")
        words = Page(text).words if fmt == "html" else text
        assert _reproduce_command(words) == expected


def test_reproduce_line_quotes_a_name_with_spaces(norway, tmp_path):
    out = tmp_path / "my report.md"
    write_report(norway, "md", out)
    assert "-o 'my report.md'" in out.read_text(encoding="utf-8")


def test_how_to_cite_names_report_theory_and_data(norway, tmp_path):
    from alliance_advisor.rules.version import app_version

    out = tmp_path / "norway.html"
    write_report(norway, "html", out)
    words = Page(out.read_text(encoding="utf-8")).words
    cite = words[words.index("How to cite") : words.index("Reproducing this report")]
    assert f"Alliance Advisor {app_version()}" in cite and norway.knowledge_version in cite
    assert "The Origins of Alliances" in cite and "1987" in cite
    assert "Lundestad" in cite  # a source of the Norway case
    assert re.search(r"generated \d{4}-\d\d-\d\d", cite)


# ------------------------------------------------------- PDF pagination


def _alnum(text):
    # Letters and digits only: text extraction differs in spaces, dashes and signs, and
    # a font with ligatures gives one character for "fi" or "ff" (NFKC splits it again).
    return re.sub(r"[^0-9A-Za-z]", "", unicodedata.normalize("NFKC", text))


def _table_rows(report):
    """Every row of every table and key-value list of a report, as its cells' text."""
    from alliance_advisor.reports.blocks import KeyValues, Table, plain_text

    for blk in report.blocks:
        if isinstance(blk, Table):
            for row in blk.rows:
                yield [plain_text(cell) for cell in row]
        elif isinstance(blk, KeyValues):
            for key, value in blk.rows:
                yield [key, plain_text(value)]


@pytest.fixture(scope="module")
def long_case_pdfs(advisor, kb, tmp_path_factory):
    """Reports of several library cases, on both papers: different tables end at
    different places on the page."""
    folder = tmp_path_factory.mktemp("rows")
    out = []
    for name in ("norway_1949", "britain_1805", "sweden_1949", "britain_1815"):
        result = advisor.analyze(load_case(CASES_DIR / f"{name}.yaml", kb), extras=True)
        for paper in ("a4", "letter"):
            path = folder / f"{name}-{paper}.pdf"
            write_report(result, "pdf", path, paper=paper)
            out.append((result, paper, path))
    return out


def test_pdf_never_splits_a_table_row_over_two_pages(long_case_pdfs):
    # Qt draws a table row by row, cell by cell: a row kept on one page is one
    # unbroken run of its cells' text on that page; a split row is on no page whole.
    for result, paper, path in long_case_pdfs:
        pages = [_alnum(page.extract_text()) for page in _pdf(path).pages]
        report = report_blocks(result, output=Output("pdf", path.name, paper))
        split = []
        for cells in _table_rows(report):
            text = "".join(_alnum(cell) for cell in cells or [])
            if text and not any(text in page for page in pages):
                split.append(text[:60])
        assert split == [], f"{path.name}: rows split across pages: {split}"


def test_pdf_wide_chain_page_is_not_left_half_empty(long_case_pdfs):
    # The turned page of the chain diagram: its lowest drawn text is near the foot.
    from pypdf import PdfReader

    for _result, _paper, path in long_case_pdfs:
        reader = PdfReader(str(path))
        page = next(p for p in reader.pages if float(p.mediabox.width) > float(p.mediabox.height))
        height = float(page.mediabox.height)
        ys = []
        page.extract_text(
            visitor_text=lambda text, cm, tm, *_, ys=ys: ys.append(cm[3] * tm[5] + cm[5]) if text.strip() else None
        )
        footer_band = 70 * 72 / 96  # the page furniture sits in the bottom margin
        body = [y for y in ys if y > footer_band]
        lowest = min(body)
        # From the top of the body to its lowest text: at least 60% of the body.
        top_margin = 70 * 72 / 96
        used = (height - top_margin - lowest) / (height - 2 * top_margin)
        assert used > 0.6, f"{path.name}: the chain's page is {used:.0%} used"


def test_html_chain_stays_in_the_column_and_scrolls_at_a_legible_width(norway):
    from alliance_advisor.reports.html import CHAIN_MIN_WIDTH, STYLE

    text = html_of(norway)
    figure = re.search(r'<figure class="wide" id="figure-chain">(.*?)</figure>', text, re.S).group(1)
    scroller = re.search(r'<div class="scroll"[^>]*>\s*(<svg[^>]*>)', figure)
    assert scroller, "the chain is not inside its scrolling box"
    svg = scroller.group(1)
    assert re.search(r'viewBox="0 0 \d+ \d+"', svg)
    assert not re.search(r'\swidth="\d+"', svg) and not re.search(r'\sheight="\d+"', svg)
    css = " ".join(STYLE.split())
    assert "figure svg { display: block; width: 100%; height: auto;" in css
    assert "figure.wide .scroll { overflow-x: auto;" in css
    assert f"figure.wide .scroll svg {{ min-width: {CHAIN_MIN_WIDTH}px; }}" in css
    # Nothing pulls the figure out of the column any more.
    assert "vw" not in css and "translateX" not in css
    # Legible: its smallest labels (11 px in the drawing) at 8 px or more when it scrolls.
    natural = int(re.search(r"max-width:(\d+)px", svg).group(1))
    assert 11 * CHAIN_MIN_WIDTH / natural >= 7.8


# ------------------------------------------------------------------ the stages
STAGE_TITLES = ("1. Threat", "2. Direction", "3. Mode", "4. War")


def test_text_output_answers_the_stages_in_order(norway):
    from alliance_advisor.presentation.case import render_text

    text = render_text(norway)
    block = text[text.index("The chain (the decision, stage by stage)") : text.index("What would change it")]
    positions = [block.index(title) for title in STAGE_TITLES]
    assert positions == sorted(positions)
    assert "Why align at all?" in block
    # Norway balances: against rather than with, by alliance rather than on its own.
    against, with_ = (norway.kb.alternative_label("direction", a).lower() for a in ("against", "with"))
    assert f"Why {against} rather than {with_}?" in block
    assert "margin of 0.28" in block and "B1-BY-ALLIANCE" in block
    # Why not, by stage: internal balancing leaves the verdict's path at the mode stage,
    # where R7-BALANCE-ALONE needed allied support to be unusable.
    assert "Balance internally (+0.00). At the mode stage" in text
    assert "Allied support usable is yes: R7-BALANCE-ALONE needs no" in text


def test_every_report_format_has_the_stage_table(norway, tmp_path):
    blocks = report_blocks(norway).blocks
    titles = [blk.text for blk in blocks if isinstance(blk, Heading)]
    # Near the top: straight after the summary, before the case's answers.
    assert titles.index("The decision, stage by stage") < 3
    for fmt in ("md", "html", "pdf"):
        path = tmp_path / f"n.{fmt}"
        write_report(norway, fmt, path)
        text = _squash(" ".join(p.extract_text() for p in _pdf(path).pages)) if fmt == "pdf" else path.read_text()
        squashed = _squash(text)
        assert _squash("The decision, stage by stage") in squashed, fmt
        for word in ("Runner-up", "Margin", "Decided by", "Why align at all?"):
            assert _squash(word) in squashed, (fmt, word)
        for title in STAGE_TITLES:
            assert _squash(title) in squashed, (fmt, title)


def test_decisive_sets_are_listed_as_alternatives_never_as_the_reason(norway, kb):
    from alliance_advisor.presentation.wording import rests_on_text

    several = dataclasses.replace(
        norway, decisive=(), decisive_jointly=False, decisive_sets=(("B1", "C3"), ("B2", "C3"))
    )
    text = rests_on_text(kb, several)
    assert "no single proposition" in text and "(B1 and C3)" in text and "(B2 and C3)" in text
    assert "no one of them is the reason" in text


def test_a_report_without_a_verdict_does_not_say_the_record_differs(advisor, kb):
    case = dataclasses.replace(load_case(CASES_DIR / "norway_1949.yaml", kb), answers={"state_strength": "weak"})
    result = advisor.analyze(case, extras=True)
    assert result.verdict is None and case.observed == "balance"
    text = markdown_of(result, "r")
    assert "no prediction yet" in text and "differs from the theory" not in text


def test_one_export_entry_dispatches_on_the_result_and_checks_the_paper_for_every_kind(norway, advisor, kb, tmp_path):
    import json

    from alliance_advisor.app.export import json_data, write
    from alliance_advisor.rules.errors import ExportError
    from alliance_advisor.rules.scenario import ScenarioEngine, load_scenario

    write(norway, tmp_path / "case.json")
    assert json.loads((tmp_path / "case.json").read_text(encoding="utf-8")) == json.loads(json.dumps(json_data(norway)))
    scenario = load_scenario(ROOT / "knowledge" / "scenarios" / "europe_1949.yaml", kb)
    result = ScenarioEngine(advisor).run(scenario, explanations=False)
    with pytest.raises(ExportError, match="paper size 'a3'"):
        write(result, tmp_path / "s.pdf", paper="a3")  # the scenario's paper is checked too
    assert not (tmp_path / "s.pdf").exists()
    write(result, tmp_path / "s.json")
    assert json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))["title"] == scenario.title
    with pytest.raises(ExportError, match="cannot export a str"):
        write("not a result", tmp_path / "x.json")
    with pytest.raises(ExportError, match="unknown report format"):
        write(norway, tmp_path / "x.docx")


def test_a_world_without_a_runner_up_still_reports(advisor, tmp_path):
    """In a rival world no other response may gain support: the report says so
    instead of failing on the missing runner-up (it once ended in an internal error)."""
    case = load_case(os.path.join(CASES_DIR, "norway_1949.yaml"), advisor.kb)
    result = advisor.analyze(case, world="bandwagoning")
    assert result.verdict and result.runner_up is None
    text = markdown_of(result, "r")
    assert "no other response has support" in text
    assert "no other response has support" in html_of(result)


def test_the_renderers_format_a_report_of_blocks_and_know_no_kind_of_result(tmp_path):
    """A Report laid out by hand, with no result behind it, renders in every format;
    the footer's knowledge base version is the one the report carries."""
    from pypdf import PdfReader

    from alliance_advisor.reports.blocks import Bullets, KeyValues, Para, Report, Run, Table, strong
    from alliance_advisor.reports.writing import write_blocks

    report = Report(
        "A report of no kind",
        [
            Heading(1, "A report of no kind", "top"),
            Para([Run("Plain, "), strong("strong")], "lead"),
            Bullets([[Run("one")], [Run("two")]]),
            Table(["Name", "Value"], [[[Run("x")], [Run("1")]]], numeric=(1,)),
            KeyValues([("Key", [Run("value")])]),
        ],
        "2001-02-03",
        "kb-9.9.9",
    )
    page = render_html(report)
    assert "<strong>strong</strong>" in page and "knowledge base version kb-9.9.9." in page
    markdown = render_markdown(report, "r")
    assert markdown.startswith("# A report of no kind\n") and "- **Key:** value" in markdown
    write_blocks(report, "pdf", tmp_path / "r.pdf")
    text = " ".join(PdfReader(str(tmp_path / "r.pdf")).pages[0].extract_text().split())
    assert "knowledge base kb-9.9.9" in text and "generated 2001-02-03" in text
