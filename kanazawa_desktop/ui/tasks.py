"""Run a long service call off the GUI thread behind a progress dialog that can cancel.

    run_task(parent, "取込中…", lambda progress: service(..., progress=progress), on_done)

The function runs in a QThreadPool worker; progress reaches the dialog through queued
signals; Cancel calls Progress.cancel(), which the service honours between units of work.
`on_done(result)` or `on_error(DeskError)` runs back on the GUI thread.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from ..domain.errors import DeskError
from ..services.progress import Cancelled, Progress
from .messages import notify


class _Signals(QObject):
    progressed = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)


class _Runnable(QRunnable):
    def __init__(
        self, fn: Callable[[Progress], object], signals: _Signals, progress: Progress
    ) -> None:
        super().__init__()
        self.fn, self.signals, self.progress = fn, signals, progress

    def run(self) -> None:
        try:
            result = self.fn(self.progress)
        except DeskError as exc:
            self.signals.failed.emit(exc)
        except Exception as exc:  # noqa: BLE001 - shown to the person, never swallowed
            err = DeskError(f"予期しないエラーが発生しました: {exc}")
            err.data["traceback"] = traceback.format_exc()
            self.signals.failed.emit(err)
        else:
            self.signals.finished.emit(result)


_RUNNING: set[Task] = set()  # strong references until finished: a caller may drop its own


class Task(QObject):
    """A running background call; kept alive here until it finishes."""

    done = Signal(object)
    error = Signal(object)

    def __init__(self, parent: QWidget, title: str, fn: Callable[[Progress], object]) -> None:
        super().__init__(parent)
        # parented, so neither the signals' C++ object nor its wrapper can go while the
        # worker still emits (it did: "Signal source has been deleted", export hung at 83%)
        self.signals = _Signals(self)
        self.progress = Progress(lambda d, t, s: self.signals.progressed.emit(d, t, s))
        self.dialog = QProgressDialog(title, parent.tr("中止"), 0, 0, parent)
        self.dialog.setObjectName("taskProgress")
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.progress.cancel)
        self.signals.progressed.connect(self._on_progress)
        self.signals.finished.connect(self._on_finished)
        self.signals.failed.connect(self._on_failed)
        self.finished = False
        _RUNNING.add(self)
        QThreadPool.globalInstance().start(_Runnable(fn, self.signals, self.progress))

    def _on_progress(self, done: int, total: int, text: str) -> None:
        self.dialog.setMaximum(max(total, 1))
        self.dialog.setValue(min(done, max(total, 1)))
        if text:
            self.dialog.setLabelText(text)

    def _close(self) -> None:
        self.finished = True
        _RUNNING.discard(self)
        self.dialog.close()
        self.dialog.deleteLater()

    def _on_finished(self, result: object) -> None:
        self._close()
        self.done.emit(result)

    def _on_failed(self, exc: DeskError) -> None:
        self._close()
        self.error.emit(exc)


def run_task(
    parent: QWidget,
    title: str,
    fn: Callable[[Progress], object],
    on_done: Callable[[object], None],
    on_error: Callable[[DeskError], None] | None = None,
) -> Task:
    task = Task(parent, title, fn)
    task.done.connect(on_done)

    def default_error(exc: DeskError) -> None:
        notify(parent, title, exc.message, warning=not isinstance(exc, Cancelled))

    task.error.connect(on_error or default_error)
    return task
