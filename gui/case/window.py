"""The main window: questionnaire and case library on the left, the live result
and its explanations in the middle, one set of actions for menus and toolbar."""

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QByteArray, QEvent, QMimeData, QObject, QSettings, QStandardPaths, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QIcon,
    QKeySequence,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QTabWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from alliance_advisor.app.jobs import EngineContext, case_job, is_scenario_data
from alliance_advisor.gui import msgbox, style
from alliance_advisor.gui.autosave import Autosave, Orphan
from alliance_advisor.gui.case.charts import OverviewView
from alliance_advisor.gui.case.explain import ReasoningView, WhyNotView
from alliance_advisor.gui.case.extras import AnaloguesView, WhatIfView, WorldsView
from alliance_advisor.gui.case.library import LibraryPanel
from alliance_advisor.gui.case.questionnaire import QuestionnaireForm
from alliance_advisor.gui.case.verdict import VerdictBanner
from alliance_advisor.gui.document import CaseDocument
from alliance_advisor.gui.files import FileController
from alliance_advisor.gui.icons import glyph_icon
from alliance_advisor.gui.live import LiveAnalysis
from alliance_advisor.gui.recent import RecentFiles
from alliance_advisor.gui.screens import fit_to_screen
from alliance_advisor.gui.style import esc, named, set_tone
from alliance_advisor.gui.tabs import FittingTabs
from alliance_advisor.presentation.citations import source_html
from alliance_advisor.presentation.helpdata import SHORT_TAB_TITLES
from alliance_advisor.rules.case import Case, Result, default_library_dir, load_case, parse_case_text
from alliance_advisor.rules.errors import AdvisorError
from alliance_advisor.rules.fileio import safe_filename
from alliance_advisor.rules.kb import KnowledgeBase
from alliance_advisor.rules.version import app_version

if TYPE_CHECKING:
    from alliance_advisor.gui.case.compare import CompareWindow
    from alliance_advisor.gui.case.help import HelpWindow
    from alliance_advisor.gui.history import HistoryWindow
    from alliance_advisor.gui.scenario import ScenarioWindow

APP_NAME = "Alliance Advisor"
FORM_WIDTH = 470  # px: the questionnaire panel's width in a roomy window
FORM_SHARE = 0.4  # ... and at most this share of a small one (never below its minimum)
CASE_FILTER = "Case files (*.yaml *.yml);;All files (*)"
AUTOSAVE_MS = 2000  # unsaved work reaches the disk within two seconds
STATE_VERSION = 1

# Every action, declared once: name -> (text, shortcut, theme icon, glyph, tip, handler).
ACTIONS: dict[str, tuple[str, QKeySequence.StandardKey | str | None, str | None, str | None, str, str]] = {
    "new": (
        "&New Case",
        QKeySequence.StandardKey.New,
        "document-new",
        "new",
        "Start a new case, every answer unknown",
        "new_case",
    ),
    "open": ("&Open…", QKeySequence.StandardKey.Open, "document-open", "open", "Open a case file", "open_dialog"),
    "new_scenario": (
        "New Sc&enario",
        None,
        "document-new",
        None,
        "Start a scenario of several powers from two states",
        "new_scenario",
    ),
    "open_scenario": (
        "Open &Scenario…",
        "Ctrl+Shift+O",
        "document-open",
        None,
        "Open a scenario of several powers: its coalitions and each state's choice",
        "open_scenario_dialog",
    ),
    "history": (
        "&History of the State System…",
        None,
        None,
        None,
        "Every year 1816-2010 built from the data of the field: the predicted and the observed blocs",
        "show_history",
    ),
    "library": ("Open from &Library…", "Ctrl+L", "folder", "library", "Browse the historical cases", "show_library"),
    "case_folder": (
        "Open Case &Folder…",
        None,
        None,
        None,
        "Show a folder of case files (a class's) in the Case Library, with the agreement table of evaluate",
        "open_case_folder",
    ),
    "save": ("&Save", QKeySequence.StandardKey.Save, "document-save", "save", "Save the case", "save"),
    "save_as": (
        "Save &As…",
        QKeySequence.StandardKey.SaveAs,
        "document-save-as",
        None,
        "Save the case under another name",
        "save_as",
    ),
    "export": (
        "&Export Report…",
        "Ctrl+E",
        "document-send",
        "export",
        "Write the analysis as a report (HTML, PDF, Markdown, JSON)",
        "export_report",
    ),
    "print": (
        "&Print Report…",
        QKeySequence.StandardKey.Print,
        "document-print",
        None,
        "Print the reasoning report (the same pages as the PDF export)",
        "print_report",
    ),
    "compare": (
        "&Compare With…",
        "Ctrl+Shift+C",
        None,
        None,
        "Compare this case side by side with another case file",
        "compare_dialog",
    ),
    "quit": ("&Quit", QKeySequence.StandardKey.Quit, "application-exit", None, "Quit Alliance Advisor", "close"),
    "edit_copy": ("Edit a &Copy", None, "edit-copy", None, "Make an editable copy of a read-only case", "edit_copy"),
    "show_help": ("Show &Help in the Form", None, None, None, "Show each question's help under it", "set_help_visible"),
    "guide": (
        "Alliance Advisor &Guide",
        QKeySequence.StandardKey.HelpContents,
        "help-contents",
        None,
        "The theory, each question and each tab explained (F1: help on the focused question)",
        "show_guide",
    ),
    "glossary": (
        "&Glossary of Propositions",
        None,
        None,
        None,
        "Every proposition of the theory with the rules that encode it",
        "show_glossary",
    ),
    "shortcuts": ("&Keyboard Shortcuts", None, None, None, "Every keyboard shortcut", "show_shortcuts"),
    "about": ("&About Alliance Advisor", None, "help-about", None, "The program and its source", "show_about"),
    "about_qt": ("About &Qt", None, None, None, "The Qt toolkit", "show_about_qt"),
}
MENUS = (
    (
        "&File",
        (
            "new",
            "open",
            "new_scenario",
            "open_scenario",
            "history",
            "recent",
            "library",
            "case_folder",
            None,
            "save",
            "save_as",
            None,
            "compare",
            None,
            "export",
            "print",
            "paper",
            None,
            "quit",
        ),
    ),
    ("&Edit", ("undo", "redo", None, "edit_copy")),
    ("&View", ("dock_form", "dock_library", None, "show_help")),
    ("&Help", ("guide", "glossary", "shortcuts", None, "about", "about_qt")),
)
TOOLBAR = ("new", "open", "save", None, "undo", "redo", None, "library", "export")
PAPERS = (("a4", "A4"), ("letter", "US Letter"))
PAPER_LABELS = dict(PAPERS)


def default_autosave_dir() -> Path:
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)) / "autosave"


class MainWindow(QMainWindow):
    _scratch: object  # a screenshot's throw-away settings folder, as long as the window lives (gui/app.py)

    def __init__(
        self,
        kb: KnowledgeBase,
        settings: QSettings | None = None,
        autosave_dir: str | os.PathLike[str] | None = None,
        persist: bool = True,
        engine: EngineContext | None = None,
    ) -> None:
        """``persist`` False (screenshots) leaves no trace: no autosave, no saved window state.
        ``engine``: the application's engine context (app/jobs.py), shared by every
        window; a window made without one (a test's) makes its own."""
        super().__init__()
        self.kb = kb
        self.engine = engine if engine is not None else EngineContext(kb)
        self.settings = settings if settings is not None else QSettings()
        self.persist = persist
        self.recent = RecentFiles(self.settings)
        # The case's and every scenario window's: saves, the recent list, autosave.
        self.files = FileController(self.recent, (autosave_dir or default_autosave_dir()) if persist else None)
        self.document = CaseDocument(kb, self)
        self.analysis = LiveAnalysis(self.engine, case_job, self)
        self._help: HelpWindow | None = None  # the Help window, made when first asked for
        self.compare_window: CompareWindow | None = None
        self._autosave_timer = QTimer(self, singleShot=True, interval=AUTOSAVE_MS)
        self._autosave_timer.timeout.connect(self.autosave_now)

        self.setObjectName("mainWindow")
        self.setAcceptDrops(True)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)
        self._build_central()
        self._build_docks()
        self.actions_ = self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()
        self._connect()
        self._restore_settings()
        self._update_title()
        self._follow_system_scheme()
        self.analysis.request(self.document.case, defer=True)

    # ========================================================== colour scheme
    def _follow_system_scheme(self) -> None:
        hints = QGuiApplication.styleHints()
        if hasattr(hints, "colorSchemeChanged"):  # Qt 6.5+
            hints.colorSchemeChanged.connect(self._system_scheme_changed)

    def _system_scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        if style.forced_scheme() is None:  # a forced scheme stays
            self.apply_scheme(style.system_scheme(_application()))

    def apply_scheme(self, scheme: str) -> None:
        """Restyle the whole app in 'light' or 'dark' and redraw what was drawn."""
        style.apply_style(_application(), scheme)
        for name, (_text, _shortcut, theme_icon, glyph, _tip, _handler) in ACTIONS.items():
            if glyph and QIcon.fromTheme(theme_icon or "").isNull():
                self.actions_[name].setIcon(self._icon(None, glyph))
        for name, theme_icon in (("undo", "edit-undo"), ("redo", "edit-redo")):
            self.actions_[name].setIcon(self._icon(theme_icon, name))
        for browser in self.findChildren(QTextBrowser):
            browser.document().setDefaultStyleSheet(style.document_css())
        for question in self.form.questions.values():
            question.mark_placeholder()
        self.form.refresh()
        if self.analysis.result is not None:
            self._show_result(self.analysis.result)
        self.update()

    def _build_central(self) -> None:
        self.banner = VerdictBanner(self.kb)
        self.overview = OverviewView()
        self.reasoning = ReasoningView(self.kb)
        self.why_not = WhyNotView(self.kb)
        self.what_if = WhatIfView(self.kb)
        self.worlds = WorldsView(self.kb)
        self.analogues = AnaloguesView(self.kb)
        self.tabs = FittingTabs(objectName="resultTabs", documentMode=False)
        for widget, title in (
            (self.overview, "Overview"),
            (self.reasoning, "Reasoning"),
            (self.why_not, "Why / why not"),
            (self.what_if, "What if"),
            (self.worlds, "Three worlds"),
            (self.analogues, "Analogues"),
        ):
            self.tabs.add_tab(widget, title, SHORT_TAB_TITLES.get(title))
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(6, 8, 10, 6)
        column.setSpacing(8)
        column.addWidget(self.banner)
        column.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

    def _build_docks(self) -> None:
        self.form = QuestionnaireForm(self.document)
        self.library = LibraryPanel(self.kb, self.engine)
        self.form_dock = self._dock("Questionnaire", "questionnaireDock", self.form)
        self.library_dock = self._dock("Case Library", "libraryDock", self.library)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.form_dock)
        self.tabifyDockWidget(self.form_dock, self.library_dock)
        self.setTabPosition(Qt.DockWidgetArea.LeftDockWidgetArea, QTabWidget.TabPosition.North)
        self.form_dock.raise_()
        self._dock_wanted = FORM_WIDTH  # what the user last chose by dragging the separator
        self._window_width: int | None = None
        self._adjusting_docks = False
        self.form_dock.installEventFilter(self)
        self.resizeDocks([self.form_dock], [FORM_WIDTH], Qt.Orientation.Horizontal)

    # ---------------------------------------------------- the panel's width
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # A dock resized while the window kept its width: the user dragged the separator.
        if (
            watched is self.form_dock
            and event.type() == QEvent.Type.Resize
            and not self._adjusting_docks
            and self._window_width == self.width()
            and self.form_dock.isVisible()
            and not self.form_dock.isFloating()
        ):
            self._dock_wanted = max(self.form_dock.width(), self.form_dock.minimumSizeHint().width())
        return super().eventFilter(watched, event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._window_width = self.width()
        self._fit_form_dock()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._window_width = self.width()
        QTimer.singleShot(0, self._fit_form_dock)  # once the docks have their first geometry

    def _fit_form_dock(self) -> None:
        """After the window grows back, give the form the width it had (Qt leaves it
        at whatever the smallest window allowed and hands all the room to the results)."""
        dock = self.form_dock
        if dock.isFloating() or not dock.isVisible() or self.dockWidgetArea(dock) == Qt.DockWidgetArea.NoDockWidgetArea:
            return
        target = max(dock.minimumSizeHint().width(), min(self._dock_wanted, int(self.width() * FORM_SHARE)))
        if abs(dock.width() - target) > 4:
            self._adjusting_docks = True
            self.resizeDocks([dock], [target], Qt.Orientation.Horizontal)
            QTimer.singleShot(0, self._docks_adjusted)

    def _docks_adjusted(self) -> None:
        self._adjusting_docks = False

    def _dock(self, title: str, name: str, widget: QWidget) -> QDockWidget:
        dock = named(QDockWidget(title, self), name)
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        dock.setAllowedAreas(Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea)
        dock.setTitleBarWidget(QWidget())  # the dock tabs name them; View shows and hides them
        dock.setMinimumWidth(widget.minimumWidth() or widget.minimumSizeHint().width())
        return dock

    @staticmethod
    def _icon(theme: str | None, glyph: str | None) -> QIcon:
        """The desktop's themed icon where it has one, else our own glyph."""
        icon = QIcon.fromTheme(theme) if theme else QIcon()
        if icon.isNull() and glyph:
            drawn = glyph_icon(glyph)
            if drawn is not None:  # every glyph named here is drawn
                icon = drawn
        return icon

    def _build_actions(self) -> dict[str, QAction]:
        actions: dict[str, QAction] = {}
        for name, (text, shortcut, theme, glyph, tip, handler) in ACTIONS.items():
            action = self.addAction(self._icon(theme, glyph), text)
            action.setObjectName(f"action:{name}")
            action.setStatusTip(tip)
            action.setToolTip(tip)
            if shortcut is not None:
                action.setShortcut(QKeySequence(shortcut))
            actions[name] = action
            if name == "show_help":
                action.setCheckable(True)
                action.toggled.connect(self.set_help_visible)
            else:
                action.triggered.connect(getattr(self, handler))
        stack = self.document.undo_stack
        for name, make, shortcut, theme in (
            ("undo", stack.createUndoAction, QKeySequence.StandardKey.Undo, "edit-undo"),
            ("redo", stack.createRedoAction, QKeySequence.StandardKey.Redo, "edit-redo"),
        ):
            action = make(self, name.capitalize())
            action.setObjectName(f"action:{name}")
            action.setShortcut(QKeySequence(shortcut))
            action.setIcon(self._icon(theme, name))
            actions[name] = action
        actions["dock_form"] = self.form_dock.toggleViewAction()
        actions["dock_library"] = self.library_dock.toggleViewAction()
        actions["dock_library"].setShortcut(QKeySequence("F9"))
        return actions

    def _build_menus(self) -> None:
        bar = self.menuBar()
        for title, names in MENUS:
            menu = bar.addMenu(title)
            for name in names:
                if name is None:
                    menu.addSeparator()
                elif name == "recent":
                    self.recent_menu = menu.addMenu("Open &Recent")
                    self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
                elif name == "paper":
                    self._build_paper_menu(menu.addMenu("&Paper Size for PDF"))
                else:
                    menu.addAction(self.actions_[name])

    def _build_paper_menu(self, menu: QMenu) -> None:
        current = self.settings.value("export/paper", "a4")
        for paper, label in PAPERS:
            action = menu.addAction(label)
            action.setCheckable(True)
            action.setChecked(paper == current)
            action.triggered.connect(lambda _checked=False, p=paper, m=menu: self._set_paper(p, m))

    def _set_paper(self, paper: str, menu: QMenu) -> None:
        self.settings.setValue("export/paper", paper)
        for action, (key, _label) in zip(menu.actions(), PAPERS):
            action.setChecked(key == paper)

    def _build_toolbar(self) -> None:
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for name in TOOLBAR:
            if name is None:
                toolbar.addSeparator()
            else:
                toolbar.addAction(self.actions_[name])
        for name in ("undo", "redo"):  # their text names the step: keep the toolbar steady
            button = toolbar.widgetForAction(self.actions_[name])
            if isinstance(button, QToolButton):  # a toolbar shows each action as one
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.answered_label = QLabel()
        self.analysis_label = QLabel()
        self.autosave_label = QLabel()
        set_tone(self.autosave_label, "bad")
        kb_label = QLabel(f"Knowledge base {self.kb.version[:8]}")
        kb_label.setToolTip(f"{self.kb.directory}\nversion {self.kb.version}")
        for label in (self.autosave_label, self.answered_label, self.analysis_label, kb_label):
            bar.addPermanentWidget(label)

    def _connect(self) -> None:
        document = self.document
        document.contentChanged.connect(self._content_changed)
        document.stateChanged.connect(self._state_changed)
        self.analysis.resultReady.connect(self._show_result)
        self.analysis.failed.connect(self._show_failure)
        self.analysis.busyChanged.connect(self._show_busy)
        self.form.editCopyRequested.connect(self.edit_copy)
        self.library.caseRequested.connect(lambda path: self.open_path(path, read_only=True))
        # After the dock is laid out: a dock shown this moment has no width to grow from yet.
        self.library.filled.connect(lambda: QTimer.singleShot(0, self._widen_library))
        self.library_dock.visibilityChanged.connect(self._library_visible)
        self.overview.chain.ruleClicked.connect(self.show_rule)
        self.overview.chain.factorClicked.connect(self.show_question)
        self.overview.chain.responseClicked.connect(self.show_why_not)
        self.overview.support.responseClicked.connect(self.show_why_not)
        self.why_not.ruleRequested.connect(self.show_rule)
        self.what_if.answerSuggested.connect(self._try_answer)
        self.analogues.caseRequested.connect(self._open_analogue)

    # ================================================================ settings
    def _restore_settings(self) -> None:
        show_help = cast(bool, self.settings.value("view/show_help", True, type=bool))
        self.actions_["show_help"].setChecked(show_help)
        self.set_help_visible(show_help)
        if not self.persist:
            return
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
            fit_to_screen(self, self.width(), self.height())  # saved on a larger screen
        else:
            fit_to_screen(self, 1400, 900)
        state = self.settings.value("window/state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state, STATE_VERSION)
        wanted = cast(int, self.settings.value("window/form_width", FORM_WIDTH, type=int))
        # A crushed panel (an old session's, or one squeezed by a tiny window) is not restored.
        self._dock_wanted = wanted if wanted >= FORM_WIDTH * 0.6 else FORM_WIDTH

    def _save_settings(self) -> None:
        if not self.persist:
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState(STATE_VERSION))
        self.settings.setValue("window/form_width", int(self._dock_wanted))
        self.settings.sync()

    def set_help_visible(self, visible: bool) -> None:
        self.form.set_help_visible(visible)
        self.settings.setValue("view/show_help", bool(visible))

    # ============================================================ live result
    def _content_changed(self) -> None:
        self.analysis.request(self.document.case)
        self._update_title()
        self.answered_label.setText(f"{self.document.answered_count()} of {len(self.kb.factors)} answered")
        if self.files.autosave_dir is not None and not self._autosave_timer.isActive():
            self._autosave_timer.start()

    def _show_result(self, result: Result) -> None:
        self.banner.show_result(result)
        for view in (self.overview, self.reasoning, self.why_not, self.what_if, self.worlds, self.analogues):
            view.show_result(result)
        self.analysis_label.setText("Up to date")

    def _show_failure(self, message: str) -> None:
        self.banner.show_error(message)
        self.analysis_label.setText("Analysis failed")
        self.statusBar().showMessage(message, 10000)

    def _show_busy(self, busy: bool) -> None:
        self.banner.set_busy(busy)
        self.analysis_label.setText("Analysing…" if busy else "Up to date")

    def show_rule(self, rule_id: str) -> None:
        self.reasoning.select_rule(rule_id)
        self.overview.chain.select_rule(rule_id)
        self.tabs.setCurrentWidget(self.reasoning)

    def show_why_not(self, response_id: str) -> None:
        self.why_not.select_response(response_id)
        self.tabs.setCurrentWidget(self.why_not)

    def show_question(self, factor_id: str) -> None:
        self.form_dock.show()
        self.form_dock.raise_()
        question = self.form.questions[factor_id]
        self.form.ensureWidgetVisible(question)
        question.combo.setFocus()

    def _try_answer(self, factor_id: str, level: str) -> None:
        if self.document.read_only:
            self.statusBar().showMessage("This case is read-only: use Edit a Copy to try other answers.", 6000)
            return
        self.document.set_answer(factor_id, level)

    def wait_for_result(self, timeout_ms: int = 20000) -> bool:
        """Block (processing events) until the result matches the current case.
        For the screenshot command and tests; the app itself never waits."""
        deadline = time.monotonic() + timeout_ms / 1000
        while self.analysis.pending and time.monotonic() < deadline:
            QApplication.processEvents()
            time.sleep(0.005)
        return not self.analysis.pending

    # ================================================================== files
    def _state_changed(self) -> None:
        self._update_title()
        if not self.document.modified:
            self._discard_autosave()
        self.actions_["edit_copy"].setEnabled(self.document.read_only)

    def _update_title(self) -> None:
        document = self.document
        name = document.display_name + (" (read-only)" if document.read_only else "")
        self.setWindowTitle(f"{name}[*] — {APP_NAME}")
        self.setWindowModified(document.modified)
        self.setWindowFilePath(document.path or "")

    def maybe_save(self) -> bool:
        """Before the case goes away: True when it may (saved, discarded or unchanged)."""
        return self.files.maybe_save(self, self.document, self.save)

    def new_case(self) -> None:
        if self.maybe_save():
            self.document.replace(Case())
            self.statusBar().showMessage("New case: every answer unknown", 4000)

    def open_dialog(self) -> None:
        path = msgbox.get_open_path(self, "Open Case", self._last_directory(), CASE_FILTER)
        if path:
            self.open_path(path)

    def new_scenario(self) -> "ScenarioWindow":
        """A scenario to fill in: two states, at peace."""
        data: dict[str, Any] = {
            "title": "New scenario",
            "year": None,
            "states": [
                {"id": "first", "name": "First state", "capability": 0.05, "offensive_capability": "low"},
                {"id": "second", "name": "Second state", "capability": 0.05, "offensive_capability": "low"},
            ],
            "neighbours": [],
            "perceptions": {},
            "war": "peace",
            "sources": [],
        }
        return self.show_scenario(data, None)

    def open_scenario_dialog(self) -> None:
        path = msgbox.get_open_path(
            self, "Open Scenario", str(default_library_dir(self.kb).parent / "scenarios"), CASE_FILTER
        )
        if path:
            self.open_scenario_path(path)

    def open_scenario_path(self, path: str) -> "ScenarioWindow | None":
        """Open a scenario in a window of its own; a bad file gets a dialog with the
        loader's message. The shipped scenarios open read-only."""
        import yaml

        path = os.path.abspath(path)
        try:
            self.engine.load_scenario(path)  # the same checks as the command line
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except AdvisorError as exc:
            msgbox.error(self, "Cannot open scenario", str(exc))
            return None
        shipped = Path(path).resolve().parent == (default_library_dir(self.kb).parent / "scenarios").resolve()
        window = self.show_scenario(data, path, read_only=shipped)
        if not shipped:
            self.recent.add(path)
        self.statusBar().showMessage(f"Opened the scenario {path}" + (" (read-only)" if shipped else ""), 5000)
        return window

    def show_scenario(
        self, data: dict[str, Any], path: str | None, read_only: bool = False, recovered: bool = False
    ) -> "ScenarioWindow":
        """A scenario window over ``data``, with its own autosave beside the cases'."""
        from alliance_advisor.gui.scenario import ScenarioWindow

        window = ScenarioWindow(
            self.kb,
            data,
            path=path,
            read_only=read_only,
            open_case=self.open_derived_case,
            parent=self,
            recovered=recovered,
            engine=self.engine,
            files=self.files,
        )
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._scenario_windows = [w for w in getattr(self, "_scenario_windows", []) if w.isVisible()] + [window]
        window.show()
        return window

    def show_history(self, data_dir: str | None = None) -> "HistoryWindow":
        """The History window (one per main window, raised when asked again); its
        "Open as Scenario" opens a new unsaved scenario window here."""
        from alliance_advisor.gui.history import HistoryWindow

        window = getattr(self, "history_window", None)
        if window is None or not window.isVisible():
            window = self.history_window = HistoryWindow(
                self.kb,
                settings=self.settings,
                engine=self.engine,
                open_scenario=lambda data: self.show_scenario(data, None),
                data_dir=data_dir,
                parent=self,
            )
            window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            window.destroyed.connect(lambda *_: setattr(self, "history_window", None))
            window.show()
            if window.data_dir is None and window.error is None:
                window.choose_data_dir()  # asked once; the settings keep it
        else:
            window.raise_()
            window.activateWindow()
        return window

    def open_derived_case(self, case: Case) -> None:
        """A scenario's state facing its greatest threat, opened here with every explanation."""
        if self.maybe_save():
            self.document.replace(case)
            self.raise_()
            self.activateWindow()
            self.statusBar().showMessage(f"{case.title}: the answers the scenario derives", 5000)

    def open_path(self, path: str, read_only: bool = False) -> bool:
        """Open a case file; a bad one gets a dialog and the current case stays.
        Cases of the historical library always open read-only. A scenario file opens
        in a scenario window."""
        path = os.path.abspath(path)
        if _looks_like_scenario(path):
            return self.open_scenario_path(path) is not None
        read_only = read_only or Path(path).resolve().parent == default_library_dir(self.kb).resolve()
        try:
            case = load_case(path, self.kb)
        except AdvisorError as exc:
            msgbox.error(self, "Cannot open case", str(exc))
            if not os.path.exists(path):
                self.recent.remove(path)
            return False
        if not self.maybe_save():
            return False
        self.document.replace(case, path=path, read_only=read_only)
        self.form.scroll_to_top()  # a new case starts at its top (and a library case's banner)
        if not read_only:
            self.recent.add(path)
            self.settings.setValue("files/last_dir", os.path.dirname(path))
        self.form_dock.raise_()
        self.statusBar().showMessage(f"Opened {path}" + (" (read-only)" if read_only else ""), 5000)
        return True

    def save(self) -> bool:
        return self.files.save(self, self.document, self.save_as, self._case_saved)

    def save_as(self) -> bool:
        suggested = (
            self.document.path
            if not self.document.read_only and self.document.path
            else os.path.join(self._last_directory(), safe_filename(self.document.display_name, ".yaml"))
        )
        return self.files.save_as(self, self.document, "Save Case As", suggested, CASE_FILTER, self._case_saved)

    def _case_saved(self, path: str) -> None:
        self.settings.setValue("files/last_dir", os.path.dirname(path))
        self.statusBar().showMessage(f"Saved {path}", 5000)

    def edit_copy(self) -> None:
        if self.document.read_only:
            self.document.make_editable_copy()
            self.statusBar().showMessage("An editable copy: Save As to keep it", 5000)

    def _last_directory(self) -> str:
        return str(self.settings.value("files/last_dir", "") or Path.home())

    def _fill_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        paths = self.recent.paths()
        for path in paths:
            action = menu.addAction(os.path.basename(path))
            action.setToolTip(path)
            action.setStatusTip(path)
            action.triggered.connect(lambda _checked=False, p=path: self.open_path(p))
        if paths:
            menu.addSeparator()
            menu.addAction("Clear Menu", self.recent.clear)
        else:
            menu.addAction("No recent cases").setEnabled(False)

    def _library_visible(self, visible: bool) -> None:
        if visible:
            self.library.ensure_loaded()

    LIBRARY_SHARE = 0.45  # of the window: the most the library's columns may take when they ask

    def _widen_library(self) -> None:
        """Give the library the width its columns want (the agreement columns whole),
        as far as the window allows; a narrow window keeps its layout and the table
        scrolls sideways."""
        wanted = min(self.library.wanted_width(), int(self.width() * self.LIBRARY_SHARE))
        if self.library_dock.width() < wanted:
            self.resizeDocks([self.library_dock], [wanted], Qt.Orientation.Horizontal)

    def open_case_folder(self) -> None:
        """Choose a folder of cases and show it in the library (the open case stays)."""
        if self.library.choose_folder():  # read first: showing the dock would read the library
            self.library_dock.show()
            self.library_dock.raise_()

    def show_library(self) -> None:
        self.library_dock.show()
        self.library_dock.raise_()
        self.library.focus_filter()

    def _open_analogue(self, file: str) -> None:
        if not file:
            return
        path = Path(file)
        if not path.is_absolute():
            path = default_library_dir(self.kb) / path
        self.open_path(str(path), read_only=True)

    # ----------------------------------------------------------- drag and drop
    @staticmethod
    def _dropped_case(mime: QMimeData) -> str | None:
        for url in mime.urls():
            if url.isLocalFile() and Path(url.toLocalFile()).suffix.lower() in (".yaml", ".yml"):
                return url.toLocalFile()
        return None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_case(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = self._dropped_case(event.mimeData())
        if path:
            event.acceptProposedAction()
            QTimer.singleShot(0, lambda: self.open_path(path))  # not inside the drag's event loop

    # ================================================================= export
    def export_report(self) -> None:
        try:
            from alliance_advisor.app import export

            filters = export.DIALOG_FILTERS
        except (ImportError, AttributeError):
            msgbox.error(self, "Export", "Reports are not available: the reports package is not installed.")
            return
        if not self.wait_for_result(5000) or self.analysis.result is None:
            msgbox.error(self, "Export", "There is no analysis to export yet.")
            return
        suggested = os.path.join(self._last_directory(), safe_filename(self.document.display_name))
        path, chosen = msgbox.get_save_path(self, "Export Report", suggested, ";;".join(filters))
        if not path:
            return
        # The name typed decides the format (report.pdf is a PDF whichever filter is
        # selected); the filter decides Full or Brief, and the extension of a name that
        # has none we know.
        fmt, length = filters.get(chosen or "", (None, "full"))
        named = export.format_for_path(path)
        if named is None and fmt is None:
            known = ", ".join("." + key for key in export.FORMATS)
            msgbox.error(self, "Export", f"{path}: end the name with one of {known}, or choose a format")
            return
        if named is None:
            path += "." + str(fmt)
        fmt = named or fmt
        assert fmt is not None
        self._write_export(path, fmt, length if fmt != "json" else "full")

    def _write_export(self, path: str, fmt: str, length: str) -> None:
        from alliance_advisor.app import export

        paper = str(self.settings.value("export/paper", "a4"))
        try:
            export.write(self.analysis.result, path, fmt, paper, length)
        except AdvisorError as exc:
            msgbox.error(self, "Cannot export", str(exc))
            return
        except OSError as exc:
            msgbox.error(self, "Cannot export", f"{path}: {exc.strerror or exc}")
            return
        names = export.BRIEF_NAMES if length == "brief" else export.FORMAT_NAMES
        what = names[fmt] + (f" ({PAPER_LABELS.get(paper, paper)})" if fmt == "pdf" else "")
        self.statusBar().showMessage(f"Exported {what}: {path}", 8000)

    # ================================================================== print
    def print_report(self) -> bool:
        if not self.wait_for_result(5000) or self.analysis.result is None:
            msgbox.error(self, "Print", "There is no analysis to print yet.")
            return False
        from PySide6.QtPrintSupport import QPrinter

        from alliance_advisor.gui.printing import print_report

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if not msgbox.print_dialog(self, printer):
            return False
        try:
            pages = print_report(self.analysis.result, printer, paper=str(self.settings.value("export/paper", "a4")))
        except AdvisorError as exc:
            msgbox.error(self, "Cannot print", str(exc))
            return False
        self.statusBar().showMessage(f"Sent {pages} page{'s' if pages != 1 else ''} to the printer", 5000)
        return True

    # ================================================================ compare
    def compare_dialog(self) -> None:
        directory = str(self.settings.value("files/last_dir", "") or default_library_dir(self.kb))
        path = msgbox.get_open_path(self, "Compare With", directory, CASE_FILTER)
        if path:
            self.compare_with(path)

    def compare_with(self, path: str) -> "CompareWindow | None":
        """Open a window beside this one with the current case and the case at ``path``."""
        try:
            other = load_case(os.path.abspath(path), self.kb)
        except AdvisorError as exc:
            msgbox.error(self, "Cannot compare", str(exc))
            return None
        if not self.wait_for_result(5000) or self.analysis.result is None:
            msgbox.error(self, "Compare", "There is no analysis of this case yet.")
            return None
        from alliance_advisor.gui.case.compare import CompareWindow

        window = CompareWindow(self.kb, self.analysis.result, self.engine.analyze(other), self)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.show()
        self.compare_window = window
        return window

    # =============================================================== autosave
    @property
    def autosave(self) -> Autosave | None:
        """The case's autosave file (the file controller keeps it), or None."""
        return self.files.autosave_of(self.document)

    def autosave_now(self) -> None:
        """Write the unsaved case to this session's autosave file (atomic)."""
        self._autosave_timer.stop()
        if self.autosave is None or not self.document.modified:
            return
        error = self.files.autosave(self.document)
        if error is not None:
            # Not a dialog every two seconds: a standing warning in the status bar.
            self.autosave_label.setText("Autosave failed")
            self.autosave_label.setToolTip(error)
            return
        self.autosave_label.clear()

    def _discard_autosave(self) -> None:
        self._autosave_timer.stop()
        self.files.discard_autosave(self.document)

    def offer_recovery(self) -> bool:
        """Offer back a case that a session which did not close left unsaved."""
        if self.files.autosave_dir is None:
            return False
        orphans = self.files.orphans()
        recovered = False
        for orphan in orphans:
            if recovered:
                orphan.release()  # offered again next time
                continue
            if orphan.kind == "scenario":
                recovered = self._recover_scenario(orphan) or recovered
                continue
            try:
                case = parse_case_text(orphan.case_yaml, self.kb, path=str(orphan.path))
            except AdvisorError as exc:
                msgbox.error(self, "Cannot recover autosave", str(exc))
                orphan.release()
                continue
            if msgbox.ask_recover(self, case.title or "Untitled case", orphan.when):
                self.document.recover(orphan.case_yaml, orphan.origin, str(orphan.path))
                self.autosave_now()  # ours now, before the orphan goes
                recovered = True
            orphan.remove()
        return recovered

    def _recover_scenario(self, orphan: Orphan) -> bool:
        """An unsaved scenario left by a session that did not close: validated like a
        file, offered back in a window of its own."""
        import yaml

        try:
            scenario = self.engine.parse_scenario_text(orphan.case_yaml, str(orphan.path))
        except AdvisorError as exc:
            msgbox.error(self, "Cannot recover autosave", str(exc))
            orphan.release()
            return False
        if not msgbox.ask_recover(self, scenario.title or "Untitled scenario", orphan.when):
            orphan.remove()
            return False
        self.show_scenario(yaml.safe_load(orphan.case_yaml), orphan.origin, recovered=True)
        orphan.remove()
        return True

    # ================================================================ closing
    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.maybe_save():
            event.ignore()
            return
        self._discard_autosave()
        self._save_settings()
        self.analysis.shutdown()
        event.accept()

    # =================================================================== help
    def show_about(self) -> None:
        msgbox.about(
            self,
            f"About {APP_NAME}",
            (
                f"<h3>{APP_NAME}</h3>"
                f"<p>An expert system for the balance-of-threat theory of alliances: describe a state's "
                f"situation, and it predicts whether the state balances, bandwagons or does something else "
                f"the theory names, and explains every step.</p>"
                f"<p>Source: {source_html(self.kb.theory.source)}. The knowledge base paraphrases the book's "
                f"propositions "
                f"and cites their pages; it quotes none of its sentences.</p>"
                f"<p>Version {esc(app_version())}, knowledge base {esc(self.kb.version)}.</p>"
                f"<p class='muted'>Knowledge base read from {esc(self.kb.directory)}.</p>"
            ),
        )

    def shortcut_rows(self) -> list[tuple[str, str, str]]:
        """(command, keys, what it does) for every action that has a shortcut."""
        rows = []
        for action in self.actions_.values():
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            if keys:
                rows.append((action.text().replace("&", "").rstrip("…"), keys, action.statusTip()))
        return rows

    def help_window(self) -> "HelpWindow":
        if self._help is None:
            from alliance_advisor.gui.case.help import HelpWindow

            self._help = HelpWindow(self.kb, self.shortcut_rows(), self)
            self._help.ruleRequested.connect(self.show_rule)
        return self._help

    def focused_factor(self) -> str | None:
        """The question whose answer box (or text) has the keyboard focus, or None."""
        widget = QApplication.focusWidget()
        while widget is not None:
            for factor_id, question in self.form.questions.items():
                if widget is question:
                    return factor_id
            widget = widget.parentWidget()
        return None

    def show_guide(self) -> None:
        """F1: the guide, at the focused question when there is one."""
        factor = self.focused_factor()
        self.help_window().show_page("guide", f"q-{factor}" if factor else None)

    def show_glossary(self) -> None:
        self.help_window().show_page("glossary")

    def show_shortcuts(self) -> None:
        self.help_window().show_page("shortcuts")

    def show_about_qt(self) -> None:
        QApplication.aboutQt()


def _application() -> QApplication:
    app = QApplication.instance()
    assert isinstance(app, QApplication)  # a window lives only in a QApplication
    return app


def _looks_like_scenario(path: str) -> bool:
    """Whether a file holds a scenario (a list of states) rather than a case; a file
    that cannot be read is left to the case loader, which says why."""
    try:
        from alliance_advisor.rules.yamlio import read_yaml_file

        return is_scenario_data(read_yaml_file(path))
    except (AdvisorError, OSError):
        return False
