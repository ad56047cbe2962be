"""The one document interface (app/documents.py): its plain state, text and atomic
save without Qt; both of the app's documents implement it; the file controller
autosaves and offers back either kind the same way."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from alliance_advisor.app.documents import (
    Document,
    DocumentState,
    StateOfFile,
    save_text,
    scenario_text_data,
    scenario_yaml_text,
)
from alliance_advisor.rules.case import Case, case_to_yaml
from alliance_advisor.rules.errors import AdvisorError
from conftest import ROOT

SCENARIO = ROOT / "knowledge" / "scenarios" / "europe_1936.yaml"
CASE = ROOT / "knowledge" / "cases" / "norway_1949.yaml"


class PlainDocument:
    """The smallest Document: text in memory, no undo stack."""

    kind = "note"

    def __init__(self, text, path=None):
        self.text = text
        self.state = DocumentState(path)
        self.edits_saved = True

    data = property(lambda self: self.text)
    path = property(lambda self: self.state.path)
    read_only = property(lambda self: self.state.read_only)
    modified = property(lambda self: self.state.modified(self.edits_saved))
    display_name = property(lambda self: "a note")

    def load(self, path, read_only=False):
        self.text = Path(path).read_text(encoding="utf-8")
        self.state.replaced(path, read_only)

    def validate(self):
        if not self.text:
            raise AdvisorError("empty", self.path)
        return self.text

    def to_text(self):
        return self.text

    def mark_saved(self, path):
        self.state.saved(path)
        self.edits_saved = True

    def recover(self, text, origin, source):
        self.text = text
        self.state.replaced(origin, unsaved=True)


def test_the_interface_module_needs_no_qt():
    code = "import sys, app.documents; print(any(m.startswith('PySide6') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_plain_state_knows_unsaved_work_that_no_undo_stack_does():
    state = DocumentState("/x/a.yaml")
    assert not state.modified(edits_saved=True) and state.modified(edits_saved=False)
    state.replaced("/x/b.yaml", unsaved=True)  # recovered work
    assert state.modified(edits_saved=True)
    state.saved("/x/c.yaml")
    assert (state.path, state.read_only, state.modified(True)) == ("/x/c.yaml", False, False)


def test_an_editable_copy_of_a_read_only_document_is_new_and_unsaved():
    state = DocumentState("/lib/case.yaml", read_only=True)
    assert state.editable_copy() is True
    assert (state.path, state.read_only, state.modified(True)) == (None, False, True)
    assert state.editable_copy() is False  # editable already: nothing changes
    assert state.modified(True)


def test_save_is_atomic_and_marks_the_document_saved(tmp_path):
    document = PlainDocument("first")
    assert isinstance(document, Document)
    target = tmp_path / "note.txt"
    document.edits_saved = False
    assert save_text(document, target) == str(target)
    assert target.read_text(encoding="utf-8") == "first" and not document.modified
    assert document.path == str(target)


def test_a_failed_save_keeps_the_old_file_and_the_work(tmp_path, monkeypatch):
    from alliance_advisor.rules import fileio

    target = tmp_path / "note.txt"
    target.write_text("old", encoding="utf-8")
    document = PlainDocument("new work", path=str(target))
    document.edits_saved = False

    def fail(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(fileio.os, "replace", fail)
    with pytest.raises(AdvisorError, match="disk full"):
        save_text(document, target)
    assert target.read_text(encoding="utf-8") == "old"
    assert document.modified and document.text == "new work"
    assert [p.name for p in tmp_path.iterdir()] == ["note.txt"]  # no temporary file left


def test_a_scenarios_text_is_its_file_again():
    data = yaml.safe_load(SCENARIO.read_text(encoding="utf-8"))
    assert yaml.safe_load(scenario_yaml_text(data)) == data
    assert scenario_text_data(SCENARIO.read_text(encoding="utf-8")) == data
    assert scenario_text_data(scenario_yaml_text(data)) == data


def test_a_document_reads_its_file_and_its_unsaved_work_from_its_state_and_undo_history():
    class History:
        clean = True

        def isClean(self):
            return self.clean

    class Plain(StateOfFile):
        def __init__(self):
            self.state = DocumentState("/lib/a.yaml", read_only=True)
            self.undo_stack = History()

    document = Plain()
    assert (document.path, document.read_only, document.modified) == ("/lib/a.yaml", True, False)
    document.undo_stack.clean = False  # an edit since the last save
    assert document.modified
    document.undo_stack.clean = True
    document.state.editable_copy()  # unsaved work no undo history knows
    assert (document.path, document.read_only, document.modified) == (None, False, True)


# ----------------------------------------------------------- the app's documents
@pytest.fixture
def engine(kb):
    from alliance_advisor.app.jobs import EngineContext

    return EngineContext(kb)


def test_both_documents_are_the_one_interface(qapp, kb, engine):
    from alliance_advisor.gui.document import CaseDocument, ScenarioDocument

    case = CaseDocument(kb)
    scenario = ScenarioDocument({"title": "t", "states": []}, engine=engine)
    assert isinstance(case, Document) and isinstance(scenario, Document)
    assert case.data is case.case and scenario.data == {"title": "t", "states": []}


def test_the_case_document_loads_validates_and_recovers(qapp, kb, tmp_path):
    from alliance_advisor.gui.document import CaseDocument

    document = CaseDocument(kb)
    document.load(str(CASE), read_only=True)
    assert document.path == str(CASE) and document.read_only and not document.modified
    assert document.validate().title == document.case.title
    bad = tmp_path / "bad.yaml"
    bad.write_text("answers: {no_such_factor: high}\n", encoding="utf-8")
    with pytest.raises(AdvisorError, match="bad.yaml"):
        document.load(str(bad))
    assert document.path == str(CASE)  # a bad file changes nothing
    document.recover(case_to_yaml(Case(title="Recovered"), kb), "/somewhere/x.yaml", "autosave-1.json")
    assert document.case.title == "Recovered" and document.path == "/somewhere/x.yaml" and document.modified
    with pytest.raises(AdvisorError, match="autosave-2.json"):
        document.recover("answers: [1, 2]\n", None, "autosave-2.json")


def test_the_scenario_document_loads_validates_and_recovers(qapp, engine, tmp_path):
    from alliance_advisor.gui.document import ScenarioDocument

    document = ScenarioDocument({}, engine=engine)
    document.load(str(SCENARIO), read_only=True)
    assert document.read_only and not document.modified and document.validate().title == document.data["title"]
    broken = dict(document.data, states="none")
    document.commit(broken, "break it")
    with pytest.raises(AdvisorError):
        document.validate()
    document.undo_stack.undo()
    document.recover(SCENARIO.read_text(encoding="utf-8"), None, "autosave-3.json")
    assert document.modified and not document.read_only and document.path is None
    assert not document.undo_stack.canUndo()  # the history belonged to what it replaced


def test_the_file_controller_autosaves_every_kind_and_a_save_removes_it(qapp, kb, engine, tmp_path):
    from PySide6.QtCore import QSettings

    from alliance_advisor.gui.document import CaseDocument, ScenarioDocument
    from alliance_advisor.gui.files import FileController
    from alliance_advisor.gui.recent import RecentFiles

    files = FileController(RecentFiles(QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat)), tmp_path / "auto")
    case = CaseDocument(kb)
    case.set_answer("intentions", "aggressive")
    scenario = ScenarioDocument(yaml.safe_load(SCENARIO.read_text(encoding="utf-8")), engine=engine)
    assert files.autosave(scenario) is None and not list((tmp_path / "auto").glob("*.json"))  # nothing unsaved
    scenario.commit(dict(scenario.data, title="Edited"), "retitle")
    assert files.autosave(case) is None and files.autosave(scenario) is None
    kinds = sorted(json.loads(p.read_text(encoding="utf-8"))["kind"] for p in (tmp_path / "auto").glob("*.json"))
    assert kinds == ["case", "scenario"]
    assert files.orphans() == []  # this session holds both locks
    assert files.write(None, scenario, str(tmp_path / "s.yaml"))
    assert [json.loads(p.read_text(encoding="utf-8"))["kind"] for p in (tmp_path / "auto").glob("*.json")] == ["case"]
    files.autosave_of(case).release()  # the session ends without closing
    (orphan,) = FileController(files.recent, tmp_path / "auto").orphans()
    assert orphan.kind == "case" and "aggressive" in orphan.case_yaml
    orphan.release()


def test_a_controller_without_a_folder_keeps_no_autosave(qapp, kb):
    from alliance_advisor.gui.document import CaseDocument
    from alliance_advisor.gui.files import FileController

    files = FileController(recent=None)
    case = CaseDocument(kb)
    case.set_answer("intentions", "aggressive")
    assert files.autosave_of(case) is None and files.autosave(case) is None and files.orphans() == []
