"""Live analysis: every change of a document is analysed on one worker thread.

One worker, generic over the job it runs (app/jobs.py: a case's analysis, a
scenario's run; later a year of the history). experta is not thread-safe, so the
worker's thread has its own Advisor from the application's engine context, built
there lazily, so the window appears before the RETE network is built. Each request
carries a generation number: the worker skips requests, and stops jobs, that a
newer one has superseded, and the window drops any event whose generation is not
the latest, so it never shows a result that does not match what is on screen.
"""

from typing import Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from alliance_advisor.app.jobs import EngineContext, Job
from alliance_advisor.rules.errors import AdvisorError

BUSY_AFTER_MS = 150  # only say "analysing" when it is slow enough to notice


class _Worker(QObject):
    happened = Signal(int, str, object)  # generation, kind ("result", "moves", ...), value
    failed = Signal(int, str)  # generation, one-line message

    def __init__(self, context: EngineContext, job: Job) -> None:
        super().__init__()
        self.context = context
        self.job = job
        self.latest = 0  # written by the GUI thread; an int is atomic under the GIL
        self.stopping = False  # set as the window closes: stop a long job

    @Slot(int, object)
    def run(self, generation: int, payload: object) -> None:
        if generation < self.latest:
            return  # superseded while queued

        def cancelled() -> bool:
            return self.stopping or generation < self.latest

        try:
            for kind, value in self.job(self.context, payload, cancelled):
                if self.stopping:
                    return
                self.happened.emit(generation, kind, value)
        except AdvisorError as exc:
            self.failed.emit(generation, str(exc))
        except Exception as exc:  # a bug of ours: report it, keep the app alive
            self.failed.emit(generation, f"internal error ({type(exc).__name__}): {exc}")


class LiveAnalysis(QObject):
    """GUI-thread side: request a job's run, receive only the current one's events."""

    resultReady = Signal(object)  # a result for the payload last requested
    eventReady = Signal(str, object)  # any other event of the job (kind, value)
    failed = Signal(str)
    busyChanged = Signal(bool)
    _request = Signal(int, object)

    def __init__(self, context: EngineContext, job: Job, parent: QObject | None = None, name: str = "analysis") -> None:
        super().__init__(parent)
        self.generation = 0
        self.result: Any = None  # the latest result, matching the latest request
        self.pending = False
        self._thread = QThread()
        self._thread.setObjectName(name)
        self._worker = _Worker(context, job)
        self._worker.moveToThread(self._thread)
        self._request.connect(self._worker.run)  # queued: different threads
        self._worker.happened.connect(self._on_event)
        self._worker.failed.connect(self._on_failed)
        self._busy_timer = QTimer(self, singleShot=True, interval=BUSY_AFTER_MS)
        self._busy_timer.timeout.connect(lambda: self.busyChanged.emit(True))
        self._thread.start()

    def request(self, payload: object, defer: bool = False) -> None:
        """Run the job on ``payload`` on the worker. ``defer``: once the event loop runs
        (the window's first analysis: the worker's start, building the engine, then
        holds no lock the GUI thread needs while the window is being built and shown)."""
        self.generation += 1
        self._worker.latest = self.generation
        self.pending = True
        if not self._busy_timer.isActive():
            self._busy_timer.start()
        if defer:
            generation = self.generation
            QTimer.singleShot(0, self, lambda: self._dispatch(generation, payload))
        else:
            self._request.emit(self.generation, payload)

    def _dispatch(self, generation: int, payload: object) -> None:
        if generation == self.generation:  # else a newer request is already on its way
            self._request.emit(generation, payload)

    def _settle(self, generation: int) -> bool:
        if generation != self.generation:
            return False  # stale: a newer request is on its way
        if self.pending:
            self.pending = False
            self._busy_timer.stop()
            self.busyChanged.emit(False)
        return True

    def _on_event(self, generation: int, kind: str, value: object) -> None:
        if not self._settle(generation):
            return
        if kind == "result":
            self.result = value
            self.resultReady.emit(value)
        else:
            self.eventReady.emit(kind, value)

    def _on_failed(self, generation: int, message: str) -> None:
        if self._settle(generation):
            self.result = None
            self.failed.emit(message)

    def shutdown(self) -> None:
        """Stop the worker thread (idempotent); called when the window closes."""
        self._worker.stopping = True
        if self._thread.isRunning():
            self._thread.quit()
            self._thread.wait()
