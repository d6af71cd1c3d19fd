"""Builds the desk's search index on a worker thread once the window has painted.

Folding every measure's texts takes seconds at city scale (2.5 s at 20,000 measures); done on
the GUI thread it froze the first search. `SearchPreparer.start()` runs the desk's
SearchIndexJob on a pool thread of its own and emits `ready` on the GUI thread once the desk
has adopted the index (a job overtaken by a structural change is started again). `cancel()`
(the window closing) stops the job at its next chunk and waits for it, bounded.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from ..services.desk import Desk, SearchIndexJob

CANCEL_WAIT_MS = 5000  # one chunk's read and folding takes well under this


class _Signals(QObject):
    built = Signal(object, object)  # (job, SearchIndex | None)


class _Runnable(QRunnable):
    def __init__(self, job: SearchIndexJob, signals: _Signals) -> None:
        super().__init__()
        self.job, self.signals = job, signals

    def run(self) -> None:
        self.signals.built.emit(self.job, self.job.run())


class SearchPreparer(QObject):
    ready = Signal()

    def __init__(self, desk: Desk, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._signals = _Signals(self)  # parented: lives while the worker may still emit
        self._signals.built.connect(self._built)
        self._job: SearchIndexJob | None = None

    @property
    def running(self) -> bool:
        return self._job is not None

    def start(self) -> bool:
        """Build the index unless it is ready or being built; False when it cannot be started
        (the database is closed or unreadable: the caller's own read then says why)."""
        if self._job is not None:
            return True
        try:
            if self.desk.search_ready():
                return True
            self._job = self.desk.search_index_job()
        except Exception:  # noqa: BLE001 - a preparation only; the search itself reports errors
            return False
        self._pool.start(_Runnable(self._job, self._signals))
        return True

    def _built(self, job: SearchIndexJob, index) -> None:
        if job is not self._job:
            return  # a cancelled job's late answer
        self._job = None
        if self.desk.adopt_search_index(job, index):
            self.ready.emit()
        elif index is not None:
            self.start()  # the plan changed under the job: build again from the new rows

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancelled.set()
            self._job = None
        self._pool.waitForDone(CANCEL_WAIT_MS)
