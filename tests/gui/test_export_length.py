"""The case window's Export dialog offers a Full and a Brief report (issue 30): the
filter chosen decides the length, the name typed the format."""

import io

import pytest
from pypdf import PdfReader

from alliance_advisor.app.export import DIALOG_FILTERS
from alliance_advisor.gui import msgbox
from guifixtures import *  # noqa: F401,F403 (fixtures and helpers shared with the other app tests)


def _filter(fmt, length):
    return next(text for text, choice in DIALOG_FILTERS.items() if choice == (fmt, length))


@pytest.mark.slow
def test_export_dialog_offers_brief_and_full_and_writes_each(qtbot, window, prompts, tmp_path, monkeypatch):
    offered = []
    answer = {}

    def get_save_path(parent, title, suggested, filters):
        offered.append(filters.split(";;"))
        return answer["path"], answer["filter"]

    monkeypatch.setattr(msgbox, "get_save_path", get_save_path)
    window.open_path(str(NORWAY))
    wait_for_result(qtbot, window)

    answer.update(path=str(tmp_path / "brief.pdf"), filter=_filter("pdf", "brief"))
    window.actions_["export"].trigger()
    assert prompts.errors == []
    for fmt in ("html", "pdf", "md"):  # each report format, full and brief
        assert {_filter(fmt, "full"), _filter(fmt, "brief")} <= set(offered[0])
    assert "Brief" not in _filter("pdf", "full") and "brief" in _filter("pdf", "brief")
    assert "brief PDF report" in window.statusBar().currentMessage()
    brief = PdfReader(io.BytesIO((tmp_path / "brief.pdf").read_bytes()))
    assert len(brief.pages) <= 2
    assert "Appendix" not in "".join(page.extract_text() for page in brief.pages)

    # The full report, named without an extension: the filter gives both.
    answer.update(path=str(tmp_path / "full"), filter=_filter("html", "full"))
    window.actions_["export"].trigger()
    assert prompts.errors == []
    assert "Appendix A. The reasoning, step by step" in (tmp_path / "full.html").read_text(encoding="utf-8")
