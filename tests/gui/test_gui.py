"""The desktop app, driven as a user would: headless (QT_QPA_PLATFORM=offscreen),
with every modal prompt replaced (gui.msgbox) so no test blocks on a dialog."""

import dataclasses

import pytest

from alliance_advisor.presentation.wording import failure_text
from alliance_advisor.rules.case import Analogue, Flip, WhatIf, WorldOutcome
from conftest import ROOT
from guifixtures import *  # noqa: F401,F403 (fixtures and helpers shared with the hardening tests)

# ------------------------------------------------------------ questionnaire


@pytest.mark.slow
def test_questionnaire_is_generated_from_the_knowledge_base(window, kb):
    assert set(window.form.questions) == set(kb.factor_ids)
    for factor in kb.factors:
        question = window.form.questions[factor.id]
        combo = question.combo
        assert [combo.itemData(i) for i in range(combo.count())] == ["unknown", *factor.level_ids]
        assert combo.currentData() == "unknown"  # a new case knows nothing
        assert combo.itemData(1, Qt.ToolTipRole) == factor.levels[0].meaning
        assert question.question.toolTip() == factor.help
    titles = {label.text() for label in window.form.findChildren(QLabel)}
    assert {section.title for section in kb.sections} <= titles


@pytest.mark.slow
def test_export_writes_a_report_and_a_bad_folder_gets_a_dialog(qtbot, window, prompts, tmp_path):
    window.open_path(str(NORWAY))
    wait_for_result(qtbot, window)
    prompts.save_path = str(tmp_path / "norway.html")
    window.actions_["export"].trigger()
    assert prompts.errors == []
    assert "Norway joins the Atlantic alliance" in (tmp_path / "norway.html").read_text()
    prompts.save_path = str(tmp_path / "missing" / "norway.md")
    window.actions_["export"].trigger()
    assert len(prompts.errors) == 1 and "missing" in prompts.errors[0] and "\n" not in prompts.errors[0]


@pytest.mark.slow
def test_about_box_names_the_source(window, prompts):
    window.actions_["about"].trigger()
    kind, html = prompts.errors[-1]
    assert "The Origins of Alliances" in html and "Walt" in html and "1987" in html


@pytest.mark.slow
def test_help_text_preference_is_kept_in_settings(make_window, kb):
    first = make_window()
    factor = kb.factors[0].id
    assert first.form.questions[factor].help.isVisible()
    first.actions_["show_help"].setChecked(False)
    assert not first.form.questions[factor].help.isVisible()
    first.settings.sync()
    second = make_window()
    assert not second.actions_["show_help"].isChecked()
    assert not second.form.questions[factor].help.isVisible()


# -------------------------------------------------------------- live result


@pytest.mark.slow
def test_answers_change_the_verdict_live(qtbot, window):
    # Until the answers settle the threat there is no verdict (intentions weigh the means).
    for factor, level in (
        ("state_strength", "weak"),
        ("threat_power", "overwhelming"),
        ("proximity", "neighbour"),
        ("ally_availability", "none"),
    ):
        answer(window, factor, level)
    qtbot.waitUntil(
        lambda: window.analysis.result is not None and window.analysis.result.no_verdict == "threat_open", timeout=10000
    )
    answer(window, "intentions", "aggressive")
    # A weak state beside an aggressive great power, with no help at all: the temptation
    # to accommodate it (C2, counted once since issue 28) carries the direction.
    qtbot.waitUntil(lambda: shown_verdict(window) == "Bandwagon", timeout=10000)
    assert window.banner.threat_chip.text() == "Severe"
    answer(window, "ally_availability", "probable")
    qtbot.waitUntil(lambda: shown_verdict(window) == "Balance", timeout=10000)
    assert "5 of 11 answered" == window.answered_label.text()


@pytest.mark.slow
def test_undo_and_redo_change_the_model_and_the_form_follows(qtbot, window):
    answer(window, "state_strength", "weak")
    answer(window, "threat_power", "overwhelming")
    answer(window, "proximity", "neighbour")
    answer(window, "intentions", "aggressive")
    answer(window, "ally_availability", "none")
    qtbot.waitUntil(lambda: shown_verdict(window) == "Bandwagon", timeout=10000)
    assert window.isWindowModified()
    window.actions_["undo"].trigger()
    assert window.document.case.answer("ally_availability") == "unknown"
    assert window.form.questions["ally_availability"].combo.currentData() == "unknown"
    qtbot.waitUntil(lambda: shown_verdict(window) == "Balance", timeout=10000)
    window.actions_["redo"].trigger()
    assert window.form.questions["ally_availability"].combo.currentData() == "none"
    qtbot.waitUntil(lambda: shown_verdict(window) == "Bandwagon", timeout=10000)
    for _ in range(5):
        window.actions_["undo"].trigger()
    assert window.document.case.answers == {}
    assert not window.isWindowModified()  # back at the saved state


@pytest.mark.slow
def test_typing_a_title_is_one_undo_step(qtbot, window):
    qtbot.keyClicks(window.form.title, "Belgium 1914")
    assert window.document.case.title == "Belgium 1914"
    assert window.windowTitle().startswith("Belgium 1914")
    assert window.document.undo_stack.count() == 1
    window.actions_["undo"].trigger()
    assert window.form.title.text() == ""
    assert window.document.case.title == ""


# ---------------------------------------------------------- case files


@pytest.mark.slow
def test_library_case_opens_read_only_with_observed_beside_prediction(qtbot, window):
    window.actions_["library"].trigger()
    table = window.library.table
    row = next(r for r, path in enumerate(window.library.row_paths()) if path.endswith("norway_1949.yaml"))
    table.activated.emit(table.model().index(row, 0))
    wait_for_result(qtbot, window)
    assert window.document.read_only
    assert "(read-only)" in window.windowTitle()
    assert window.form.title.text() == "Norway joins the Atlantic alliance"
    assert not window.form.questions["state_strength"].combo.isEnabled()
    assert shown_verdict(window) == "Balance"
    assert window.banner.observed.text() == "Balance"
    assert "agrees" in window.banner.observed_verdict.text()
    window.document.set_answer("state_strength", "strong")  # read-only: refused
    assert window.document.case.answer("state_strength") == "weak"


@pytest.mark.slow
def test_a_disagreeing_library_case_says_so(qtbot, window, kb):
    advisor = Advisor(kb)
    wrong = next(
        p
        for p in sorted(CASES_DIR.glob("*.yaml"))
        if (c := load_case(p, kb)).observed and advisor.analyze(c).verdict != c.observed
    )
    window.open_path(str(wrong))
    wait_for_result(qtbot, window)
    assert "differs" in window.banner.observed_verdict.text()


@pytest.mark.slow
def test_an_invalid_case_file_gets_a_dialog_not_a_crash(qtbot, window, prompts, tmp_path):
    answer(window, "state_strength", "weak")
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: broken\nanswers:\n  state_strength: enormous\n")
    prompts.open_path = str(bad)
    window.actions_["open"].trigger()
    assert len(prompts.errors) == 1
    assert prompts.errors[0].startswith(f"{bad}:3: ") and "enormous" in prompts.errors[0]
    assert window.document.case.answer("state_strength") == "weak"  # the work stays
    assert prompts.asked_save == []  # nothing was about to be replaced


@pytest.mark.slow
def test_the_details_are_named_as_the_case_file_names_them(window):
    # The file's key is `threat`: the form calls the field Threat, not a second word.
    label_of = {label.buddy(): label.text() for label in window.form.findChildren(QLabel) if label.buddy()}
    assert label_of[window.form.state] == "State"
    assert label_of[window.form.threat] == "Threat"


@pytest.mark.slow
def test_an_observed_label_opens_as_its_response_and_saves_as_the_id(qtbot, window, prompts, tmp_path):
    path = tmp_path / "labelled.yaml"
    path.write_text("title: by label\nobserved: Balance internally\n", encoding="utf-8")
    window.open_path(str(path))
    assert prompts.errors == []
    assert window.form.observed.currentData() == "internal_balance"
    window.document.set_detail("title", "by label, saved")
    window.save()
    assert "observed: internal_balance\n" in path.read_text(encoding="utf-8")


@pytest.mark.slow
def test_dropping_a_case_file_opens_it(qtbot, window, prompts):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(NORWAY))])
    event = QDropEvent(QPointF(200, 200), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    window.dropEvent(event)
    qtbot.waitUntil(lambda: window.document.path == str(NORWAY), timeout=5000)
    assert event.isAccepted()
    wait_for_result(qtbot, window)
    assert shown_verdict(window) == "Balance"


@pytest.mark.slow
def test_recent_files_menu_reopens_a_case(qtbot, make_window, prompts, tmp_path):
    window = make_window()
    prompts.save_path = str(tmp_path / "recent.yaml")
    answer(window, "proximity", "neighbour")
    window.save()
    window.new_case()
    assert window.document.case.answers == {}
    window.recent_menu.aboutToShow.emit()
    entry = next(a for a in window.recent_menu.actions() if a.text() == "recent.yaml")
    entry.trigger()
    assert window.document.case.answer("proximity") == "neighbour"
    (tmp_path / "recent.yaml").unlink()  # gone since: a dialog, and off the list
    window.recent_menu.aboutToShow.emit()
    next(a for a in window.recent_menu.actions() if a.text() == "recent.yaml").trigger()
    assert len(prompts.errors) == 1 and "recent.yaml" in prompts.errors[0]
    assert window.recent.paths() == []


def test_edit_a_copy_of_a_library_case(qtbot, window, prompts, tmp_path):
    window.open_path(str(NORWAY))
    assert window.document.read_only
    window.actions_["edit_copy"].trigger()
    assert not window.document.read_only and window.document.path is None
    answer(window, "ally_availability", "none")
    prompts.save_path = str(tmp_path / "copy.yaml")
    window.actions_["save"].trigger()  # a copy has no file yet: Save As
    assert (tmp_path / "copy.yaml").exists()
    assert NORWAY.read_text().count("ally_availability: probable") == 1


# ------------------------------------------------------------ nothing lost

# ------------------------------------------------------------- explanation


@pytest.mark.slow
def test_reasoning_lists_fired_rules_and_explains_the_selected_one(qtbot, window, kb):
    window.open_path(str(NORWAY))
    wait_for_result(qtbot, window)
    result = window.analysis.result
    table = window.reasoning.table
    assert table.topLevelItemCount() == len(result.fired)
    assert [table.topLevelItem(i).text(1) for i in range(3)] == [f.rule for f in result.fired[:3]]
    support_rule = next(f for f in result.fired if f.layer != "derive")
    row = next(
        table.topLevelItem(i)
        for i in range(table.topLevelItemCount())
        if table.topLevelItem(i).text(1) == support_rule.rule
    )
    table.setCurrentItem(row)
    text = window.reasoning.detail.toPlainText()
    spec = kb.rule(support_rule.rule)
    assert spec.explanation in text
    for pid in spec.propositions:
        assert kb.proposition(pid).citation in text
    assert "✓" in text and "When" in text  # the condition tree, marked


@pytest.mark.slow
def test_why_not_names_the_failed_condition(qtbot, window, kb):
    window.open_path(str(NORWAY))
    wait_for_result(qtbot, window)
    window.show_why_not("bandwagon")
    text = window.why_not.detail.toPlainText()
    blocked = window.analysis.result.why_not["bandwagon"].blocked
    assert text.startswith("Why not Bandwagon?")
    assert blocked and failure_text(kb, blocked[0].failed[0]) in text
    window.why_not.detail.anchorClicked.emit(QUrl(f"rule:{blocked[0].rule}"))
    assert window.tabs.currentWidget() is window.reasoning
    assert "did not fire" in window.reasoning.detail.toPlainText()


@pytest.mark.slow
def test_clicking_a_rule_in_the_chain_diagram_selects_it(qtbot, window):
    window.open_path(str(NORWAY))
    wait_for_result(qtbot, window)
    diagram = window.overview.chain
    node = next(n for n in diagram.layout_.nodes if n.kind == "rule")
    x = diagram._offset() + (node.x + node.w / 2) * diagram.scale
    y = (node.y + node.h / 2) * diagram.scale
    qtbot.mouseClick(diagram, Qt.LeftButton, pos=QPoint(round(x), round(y)))
    assert window.tabs.currentWidget() is window.reasoning
    assert window.reasoning.selected_rule() == node.rule_id


@pytest.mark.slow
def test_every_library_case_is_drawn(app, qtbot, advisor, kb):
    """Each shipped case: its figures paint (a paint error fails the test through
    pytest-qt) and show what the result holds."""
    overview = OverviewView()
    qtbot.addWidget(overview)
    overview.resize(900, 600)
    for path in sorted(CASES_DIR.glob("*.yaml")):
        result = advisor.analyze(load_case(path, kb))
        overview.show_result(result)
        assert not overview.grab().toImage().isNull()
        assert {n.rule_id for n in overview.chain.layout_.nodes if n.kind == "rule"} == {
            f.rule for f in result.fired if f.layer != "derive" and f.effects
        }
        assert overview.threat.profile.band == result.threat_level


@pytest.mark.slow
def test_ctrl_wheel_zooms_the_chain_and_double_click_fits_it_again(qtbot, window):
    window.open_path(str(NORWAY))
    wait_for_result(qtbot, window)
    diagram = window.overview.chain
    fitted = diagram.height()
    centre = QPointF(diagram.width() / 2, diagram.height() / 2)
    wheel = QWheelEvent(
        centre,
        diagram.mapToGlobal(centre),
        QPoint(0, 0),
        QPoint(0, 120),
        Qt.NoButton,
        Qt.ControlModifier,
        Qt.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(diagram, wheel)
    assert diagram.height() > fitted
    qtbot.mouseDClick(diagram, Qt.LeftButton, pos=QPoint(5, 5))
    assert diagram.height() == fitted


@pytest.mark.slow
def test_extra_analyses_render_when_the_result_has_them(qtbot, window, kb):
    result = Advisor(kb).analyze(load_case(NORWAY, kb))
    for view in (window.what_if, window.worlds, window.analogues):
        view.show_result(result)
        assert view.currentWidget() is view.placeholder  # not provided: said so
    result = dataclasses.replace(
        result,
        whatif=WhatIf((Flip("ally_availability", "probable", "none", "bandwagon"),), {}, False),
        worlds={
            w: WorldOutcome(w, kb.world(w).title, "balance", "Balance", 0.5, {}, "advice " + w, "risk")
            for w in ("balancing", "bandwagoning", "walt")
        },
        analogues=(
            Analogue(
                "turkey_1947.yaml",
                "Turkey",
                1947,
                "Turkey",
                "USSR",
                0.9,
                11,
                "balance",
                "balance",
                True,
                ("proximity",),
            ),
        ),
    )
    for view in (window.what_if, window.worlds, window.analogues):
        view.show_result(result)
        assert view.currentWidget() is view.content
    flip = window.what_if.tree.topLevelItem(0).child(0)
    assert [flip.text(c) for c in range(4)] == ["Ally availability", "Probable", "None", "Bandwagon"]
    window.what_if.tree.itemDoubleClicked.emit(flip, 0)  # try it: an undoable edit
    assert window.document.case.answer("ally_availability") == "none"
    assert window.analogues.tree.topLevelItem(0).text(0) == "90%"
    window.analogues.tree.itemDoubleClicked.emit(window.analogues.tree.topLevelItem(0), 0)
    assert window.document.path == str(CASES_DIR / "turkey_1947.yaml") and window.document.read_only


# ---------------------------------------------------------------- commands


def _run_main(*args, env_changes=None, drop=()):
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(env_changes or {})
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


@pytest.mark.slow
def test_screenshot_command_writes_a_png(tmp_path):
    out = tmp_path / "shot.png"
    home = {
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path),
        "QT_QPA_PLATFORM": "offscreen",
    }
    proc = _run_main("gui", "--screenshot", str(out), "--case", str(NORWAY), env_changes=home)
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert proc.stderr == ""
    from PySide6.QtGui import QImage

    image = QImage(str(out))
    assert (image.width(), image.height()) == (1400, 900)


def test_screenshot_with_a_bad_case_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("answers: [1, 2\n")
    proc = _run_main(
        "gui", "--screenshot", str(tmp_path / "x.png"), "--case", str(bad), env_changes={"QT_QPA_PLATFORM": "offscreen"}
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith(str(bad))
    assert not (tmp_path / "x.png").exists()


def test_without_a_display_the_app_says_what_to_do(tmp_path):
    proc = _run_main(drop=("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"), env_changes={"HOME": str(tmp_path)})
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1
    assert "no display" in proc.stderr and "QT_QPA_PLATFORM=offscreen" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.slow
def test_overview_shows_the_stages_in_order(qtbot, window):
    window.open_path(str(NORWAY))
    wait_for_result(qtbot, window)
    overview = window.overview
    assert overview.stages_card.isVisibleTo(window)
    text = overview.stages.text()
    positions = [text.index(title) for title in ("1. Threat", "2. Direction", "3. Mode", "4. War")]
    assert positions == sorted(positions)
    assert "Why align at all?" in text and "Decided by" in text
    # The chain draws the stage choices the rules weigh on, the verdict's path emphasised.
    nodes = overview.chain.layout_.nodes
    assert any(n.id == "choice:direction:against" and n.emphasis for n in nodes)


def test_a_case_without_a_verdict_says_no_prediction_and_the_threat_not_yet_known(qtbot, kb, advisor):
    from alliance_advisor.gui.case.verdict import VerdictBanner

    banner = VerdictBanner(kb)
    qtbot.addWidget(banner)
    case = dataclasses.replace(load_case(NORWAY, kb), answers={"state_strength": "weak"})
    result = advisor.analyze(case)
    assert result.verdict is None and case.observed == "balance"
    banner.show_result(result)
    assert "No prediction" in banner.observed_verdict.text()
    assert "differs" not in banner.observed_verdict.text() and "agrees" not in banner.observed_verdict.text()
    assert banner.threat_chip.text() == "Not yet known"
    assert "left open" not in banner.threat_points.text() and "still possible" in banner.threat_points.text()


def test_the_overview_leads_with_the_chain_and_without_a_verdict_with_the_questions(qtbot, kb, advisor):
    overview = OverviewView()
    qtbot.addWidget(overview)
    column = overview.widget().layout()
    overview.show_result(advisor.analyze(load_case(NORWAY, kb)))
    assert column.itemAt(0).widget() is overview.chain_card
    blank = dataclasses.replace(load_case(NORWAY, kb), answers={})
    overview.show_result(advisor.analyze(blank, extras=True))
    assert column.itemAt(0).widget() is overview.assessment_card
    assert "Answer next" in overview.assessment.text()


def test_not_sure_between_two_levels_is_one_undo_step_and_the_form_says_so(qtbot, window):
    """Issue 28: the form's "±" offers neighbouring levels; the case keeps the spread, the
    box shows the first level (the verdict's), and undo takes it back."""
    answer(window, "ally_availability", "probable")
    question = window.form.questions["ally_availability"]
    action = next(a for a in question.unsure.menu().actions() if a.text() == "Not sure: probable or certain")
    action.trigger()
    case = window.document.case
    assert case.uncertain["ally_availability"] == {"probable": 0.5, "certain": 0.5}
    assert question.combo.currentData() == "probable" and "Not sure: probable or certain" in question.meaning.text()
    window.actions_["undo"].trigger()
    assert "ally_availability" not in window.document.case.uncertain
    assert window.document.case.answer("ally_availability") == "probable"
