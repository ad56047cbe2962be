"""Reports are safe to open: nothing typed becomes markup or script, and file
names made from case titles cannot leave the chosen folder (issue 7).
(The rendering side is also covered in test_reports.py.)"""

import os
import re
from html.parser import HTMLParser

import pytest

from alliance_advisor.rules.fileio import safe_filename
from guifixtures import *  # noqa: F401,F403

HOSTILE_TITLES = [
    "../../etc/passwd",
    "/etc/shadow",
    "..",
    ".",
    "a/../../b",
    "C:\\Windows\\system32",
    "\x00nul\x1fbyte",
    "CON",
    "  ",
    "",
    "<script>alert(1)</script>",
    "x" * 500,
    "~/.bashrc",
    "report.html/../../x",
    "\u202eexe.txt",
]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_file_names_from_titles_stay_in_their_folder(tmp_path, title):
    name = safe_filename(title, ".html")
    folder = str(tmp_path)
    full = os.path.realpath(os.path.join(folder, name))
    assert os.path.dirname(full) == os.path.realpath(folder)
    assert not name.startswith(".") and "/" not in name and "\\" not in name
    assert len(name) <= 90 and name.endswith(".html")


@pytest.mark.slow
def test_export_suggests_a_name_inside_the_last_folder(qtbot, window, prompts, monkeypatch, tmp_path):
    suggested = []
    monkeypatch.setattr(
        msgbox, "get_save_path", lambda parent, title, path, filters: suggested.append(path) or (None, None)
    )
    window.settings.setValue("files/last_dir", str(tmp_path))
    window.document.set_detail("title", "../../../tmp/evil")
    window.export_report()
    window.save_as()
    assert suggested, "the app asked for a path"
    for path in suggested:
        assert os.path.dirname(os.path.realpath(path)) == os.path.realpath(tmp_path)
        assert not os.path.basename(path).startswith(".")


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.handlers = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.handlers += [name for name, _ in attrs if name.lower().startswith("on")]


def test_hostile_case_text_becomes_text_in_html_and_markdown(advisor, tmp_path):
    from alliance_advisor.reports import render_html, render_markdown
    from alliance_advisor.reports.case import report_blocks
    from alliance_advisor.rules import Case

    evil = "<script>alert(1)</script><img src=x onerror=alert(2)>[link](javascript:alert(3))"
    case = Case(
        title=evil,
        state=evil,
        threat=evil,
        notes=evil,
        sources=[evil],
        answers={"state_strength": "weak", "threat_power": "overwhelming"},
    )
    result = advisor.analyze(case, extras=True)
    page = render_html(report_blocks(result))
    parser = _Tags()
    parser.feed(page)
    assert "script" not in parser.tags and "img" not in parser.tags and parser.handlers == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    markdown = render_markdown(report_blocks(result), "r")
    assert "<script>" not in markdown and "<img" not in markdown
    assert not re.search(r"(?<!\\)\]\(javascript:", markdown), "a live link was made from user text"


@pytest.mark.slow
def test_the_title_field_takes_no_more_than_the_loader_accepts(qtbot, window):
    from alliance_advisor.rules.case import MAX_TITLE

    window.form.title.setText("x" * (MAX_TITLE + 50))
    assert len(window.form.title.text()) == MAX_TITLE
