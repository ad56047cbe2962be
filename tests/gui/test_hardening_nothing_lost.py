"""Nothing the user entered is lost: atomic saves that survive failures, the
close prompt, autosave recovered after a crash or a hard kill, and rapid edits
that never leave a stale verdict on screen (issue 7)."""

import pytest

from conftest import ROOT
from guifixtures import *  # noqa: F401,F403


@pytest.mark.slow
def test_rapid_edits_never_leave_a_stale_verdict(qtbot, window, kb):
    levels = ["weak", "middle", "strong", "great_power"]
    allies = ["none", "doubtful", "probable", "certain"]
    for i in range(24):
        answer(window, "state_strength", levels[i % 4])
        answer(window, "ally_availability", allies[(i * 3) % 4])
        answer(window, "threat_power", "overwhelming" if i % 2 else "lesser")
    wait_for_result(qtbot, window)
    expected = Advisor(kb).analyze(window.document.case)
    assert window.analysis.result.case.answers == window.document.case.answers
    assert shown_verdict(window) == expected.verdict_label


@pytest.mark.slow
def test_a_late_result_for_an_older_request_is_dropped(qtbot, window, kb):
    answer(window, "state_strength", "weak")
    wait_for_result(qtbot, window)
    shown = shown_verdict(window)
    stale = Advisor(kb).analyze(load_case(NORWAY, kb))
    window.analysis._on_event(window.analysis.generation - 1, "result", stale)
    assert window.analysis.result.case.answers == {"state_strength": "weak"}
    assert shown_verdict(window) == shown


@pytest.mark.slow
def test_save_and_reopen_loses_nothing(qtbot, make_window, prompts, tmp_path, kb):
    window = make_window()
    answer(window, "state_strength", "middle")
    answer(window, "pivotal", "yes")
    answer(window, "war_status", "early_war")
    qtbot.keyClicks(window.form.title, "A test: quotes ' \" and ")
    window.form.title.insert("ünïcode")  # QTest types ASCII only
    qtbot.keyClicks(window.form.year, "1939")
    window.form.observed.setCurrentIndex(window.form.observed.findData("bandwagon"))
    window.form.notes.setPlainText("line one\nline two: with a colon")
    window.form.sources.setPlainText("Walt 1987, p. 19\n\nAnother source")
    prompts.save_path = str(tmp_path / "saved")
    window.actions_["save"].trigger()
    assert not window.isWindowModified()
    saved = tmp_path / "saved.yaml"
    assert saved.exists() and window.document.path == str(saved)
    expected = window.document.case.to_dict(kb)
    reopened = make_window()
    assert reopened.open_path(str(saved))
    assert reopened.document.case.to_dict(kb) == expected
    assert expected["sources"] == ["Walt 1987, p. 19", "Another source"]
    assert expected["year"] == 1939 and expected["observed"] == "bandwagon"
    assert reopened.form.notes.toPlainText() == "line one\nline two: with a colon"
    assert reopened.recent.paths()[0] == str(saved)


@pytest.mark.slow
def test_a_failing_save_shows_a_dialog_and_keeps_the_work(qtbot, window, prompts, tmp_path):
    answer(window, "state_strength", "weak")
    prompts.save_path = str(tmp_path / "no such folder" / "case.yaml")
    assert window.save() is False
    assert len(prompts.errors) == 1 and "no such folder" in prompts.errors[0]
    assert "\n" not in prompts.errors[0]
    assert window.isWindowModified()
    assert window.document.case.answer("state_strength") == "weak"


@pytest.mark.slow
def test_save_over_a_file_is_atomic_and_keeps_the_old_file_on_failure(qtbot, window, prompts, tmp_path, monkeypatch):
    target = tmp_path / "case.yaml"
    prompts.save_path = str(target)
    answer(window, "state_strength", "weak")
    assert window.save()
    before = target.read_text()
    answer(window, "state_strength", "strong")

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(os, "fsync", full_disk)
        assert window.save() is False
    assert target.read_text() == before
    assert "No space left" in prompts.errors[-1]
    assert window.document.case.answer("state_strength") == "strong" and window.isWindowModified()


@pytest.mark.slow
def test_closing_with_unsaved_changes_prompts_and_cancel_keeps_the_window(qtbot, window, prompts):
    window.new_case()  # nothing to lose: no question
    answer(window, "state_strength", "weak")
    prompts.save_answer = msgbox.CANCEL
    assert window.close() is False
    assert prompts.asked_save == ["Untitled case"]
    assert window.isVisible() and window.document.case.answer("state_strength") == "weak"
    prompts.save_answer = msgbox.DISCARD
    assert window.close() is True


@pytest.mark.slow
def test_closing_with_save_writes_the_file(qtbot, window, prompts, tmp_path):
    answer(window, "state_strength", "great_power")
    prompts.save_answer = msgbox.SAVE
    prompts.save_path = str(tmp_path / "on-close.yaml")
    assert window.close() is True
    assert "great_power" in (tmp_path / "on-close.yaml").read_text()


@pytest.mark.slow
def test_autosave_is_offered_back_after_a_crash(qtbot, make_window, prompts, tmp_path):
    crashed = make_window()
    answer(crashed, "state_strength", "weak")
    answer(crashed, "ally_availability", "none")
    qtbot.keyClicks(crashed.form.title, "Unsaved work")
    crashed.autosave_now()
    assert list((tmp_path / "autosave").glob("autosave-*.json"))
    crashed.autosave.release()  # what the end of its process does to the lock

    fresh = make_window()
    assert fresh.offer_recovery() is True
    assert prompts.recover_offers == ["Unsaved work"]
    assert fresh.document.case.answers == {"state_strength": "weak", "ally_availability": "none"}
    assert fresh.document.modified and fresh.isWindowModified()
    wait_for_result(qtbot, fresh)
    assert shown_verdict(fresh) == Advisor(fresh.kb).analyze(fresh.document.case).verdict_label
    # Recovered once: the next start offers nothing more (fresh holds its own autosave).
    assert make_window().offer_recovery() is False


@pytest.mark.slow
def test_a_running_sessions_autosave_is_not_offered(make_window, prompts):
    running = make_window()
    answer(running, "state_strength", "weak")
    running.autosave_now()
    assert make_window().offer_recovery() is False
    assert prompts.recover_offers == []


@pytest.mark.slow
def test_saving_removes_the_autosave(qtbot, window, prompts, tmp_path):
    answer(window, "state_strength", "weak")
    window.autosave_now()
    assert list((tmp_path / "autosave").glob("autosave-*.json"))
    prompts.save_path = str(tmp_path / "saved.yaml")
    window.save()
    assert not list((tmp_path / "autosave").glob("autosave-*.json"))


@pytest.mark.slow
def test_autosave_survives_a_hard_kill(make_window, prompts, tmp_path):
    autosave = tmp_path / "autosave"
    script = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(ROOT)!r})
        from PySide6.QtCore import QSettings
        from alliance_advisor.gui.app import create_application
        from alliance_advisor.gui.case.window import MainWindow
        from alliance_advisor.rules import load_knowledge
        app = create_application()
        window = MainWindow(load_knowledge(), settings=QSettings({str(tmp_path / "child.ini")!r},
                            QSettings.IniFormat), autosave_dir={str(autosave)!r})
        window.show()
        window.document.set_answer("state_strength", "weak")
        window.document.set_answer("threat_power", "overwhelming")
        window.document.set_detail("title", "Killed mid-edit")
        window._autosave_timer.setInterval(50)
        import time
        deadline = time.monotonic() + 60                  # never hang the suite
        while not list(__import__("pathlib").Path({str(autosave)!r}).glob("autosave-*.json")):
            app.processEvents()
            if time.monotonic() > deadline:
                sys.exit("no autosave was written")
        print("autosaved", flush=True)
        while True:                       # still running, still editable, when killed
            app.processEvents()
    """)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen(
        [sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "autosaved", proc.stderr.read()
        proc.send_signal(signal.SIGKILL)  # the hard kill comes from outside
        assert proc.wait(timeout=60) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
    window = make_window(autosave_dir=autosave)
    assert window.offer_recovery() is True
    assert prompts.recover_offers == ["Killed mid-edit"]
    assert window.document.case.answers == {"state_strength": "weak", "threat_power": "overwhelming"}
