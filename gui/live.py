"""Live analysis: every change of the case is analysed on one worker thread.

experta is not thread-safe, so exactly one thread owns the Advisor (built there,
lazily, so the window appears before the RETE network is compiled). Each request
carries a generation number: the worker skips requests that a newer one has
already superseded, and the window drops any result whose generation is not the
latest, so it never shows a verdict that does not match the answers on screen.
"""

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from rules.errors import AdvisorError

BUSY_AFTER_MS = 150  # only say "analysing" when it is slow enough to notice


class _Worker(QObject):
    finished = Signal(int, object)  # generation, Result
    failed = Signal(int, str)  # generation, one-line message

    def __init__(self, kb):
        super().__init__()
        self.kb = kb
        self.latest = 0  # written by the GUI thread; an int is atomic under the GIL
        self._advisor = None
        self._prepared = False

    @Slot(int, object)
    def analyze(self, generation, case):
        if generation < self.latest:
            return  # superseded while queued
        try:
            if self._advisor is None:
                from rules.advisor import Advisor

                self._advisor = Advisor(self.kb)
            result = self._advisor.analyze(case, extras=True)
        except AdvisorError as exc:
            self.failed.emit(generation, str(exc))
        except Exception as exc:  # a bug of ours: report it, keep the app alive
            self.failed.emit(generation, f"internal error ({type(exc).__name__}): {exc}")
        else:
            self.finished.emit(generation, result)
            self._prepare()

    def _prepare(self):
        """Once, right after the first result is out: the verdict table of the whole
        questionnaire space (about a second), so that counting the completions of the
        open answers costs every later edit a slice of it, however much is unknown."""
        if not self._prepared:
            self._prepared = True
            try:
                self._advisor.analyst.verdict_table(self._advisor.default_world)
            except Exception:  # noqa: BLE001 - then each count builds or runs its own, and reports
                pass


class LiveAnalysis(QObject):
    """GUI-thread side: request analyses, receive only the current one."""

    resultReady = Signal(object)  # the Result for the case last requested
    failed = Signal(str)
    busyChanged = Signal(bool)
    _request = Signal(int, object)

    def __init__(self, kb, parent=None):
        super().__init__(parent)
        self.generation = 0
        self.result = None  # the latest result, matching the latest request
        self.pending = False
        self._thread = QThread()
        self._thread.setObjectName("analysis")
        self._worker = _Worker(kb)
        self._worker.moveToThread(self._thread)
        self._request.connect(self._worker.analyze)  # queued: different threads
        self._worker.finished.connect(self._on_finished)
        self._worker.failed.connect(self._on_failed)
        self._busy_timer = QTimer(self, singleShot=True, interval=BUSY_AFTER_MS)
        self._busy_timer.timeout.connect(lambda: self.busyChanged.emit(True))
        self._thread.start()

    def request(self, case, defer=False):
        """Analyse ``case`` on the worker. ``defer``: once the event loop runs (the
        window's first analysis: the worker's start, building the engine, then holds
        no lock the GUI thread needs while the window is being built and shown)."""
        self.generation += 1
        self._worker.latest = self.generation
        self.pending = True
        if not self._busy_timer.isActive():
            self._busy_timer.start()
        if defer:
            generation = self.generation
            QTimer.singleShot(0, self, lambda: self._dispatch(generation, case))
        else:
            self._request.emit(self.generation, case)

    def _dispatch(self, generation, case):
        if generation == self.generation:  # else a newer request is already on its way
            self._request.emit(generation, case)

    def _settle(self, generation):
        if generation != self.generation:
            return False  # stale: a newer request is on its way
        self.pending = False
        self._busy_timer.stop()
        self.busyChanged.emit(False)
        return True

    def _on_finished(self, generation, result):
        if self._settle(generation):
            self.result = result
            self.resultReady.emit(result)

    def _on_failed(self, generation, message):
        if self._settle(generation):
            self.result = None
            self.failed.emit(message)

    def shutdown(self):
        """Stop the worker thread (idempotent); called when the window closes."""
        if self._thread.isRunning():
            self._thread.quit()
            self._thread.wait()
