"""Run a long service call off the GUI thread behind a progress dialog that can cancel.

    run_task(parent, "取込中…", lambda progress: service(..., progress=progress), on_done)

The function runs in a QThreadPool worker; progress reaches the dialog through queued
signals; Cancel calls Progress.cancel(), which the service honours between units of work.
`on_done(result)` or `on_error(DeskError)` runs back on the GUI thread.

A task started from the main window keeps the window busy rather than blocked: its menus,
panes and shortcuts are disabled while it runs, but the progress dialog is not modal, so the
window's close button still reaches MainWindow.closeEvent (Qt drops a window-system close of
a window a modal dialog blocks: closing during an export did nothing at all). There
`settle_before_close(window)` asks whether to stop the running task, stops it within a
bound, and says what it had done.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEventLoop, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMessageBox, QProgressDialog, QWidget

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

    def __init__(
        self, parent: QWidget, title: str, fn: Callable[[Progress], object], what: str = "処理"
    ) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.what = what  # named in the question when the window is closed meanwhile
        self.quiet = False  # stopped for closing: on_done/on_error are not run
        self.outcome: object = None  # the result, or the DeskError it ended with
        # parented, so neither the signals' C++ object nor its wrapper can go while the
        # worker still emits (it did: "Signal source has been deleted", export hung at 83%)
        self.signals = _Signals(self)
        self.progress = Progress(lambda d, t, s: self.signals.progressed.emit(d, t, s))
        # disabled first: what was being typed is committed by its focus-out before the
        # worker starts, and the progress dialog's own buttons stay live
        self.busy = _Busy(parent) if isinstance(parent, QMainWindow) else None
        self.dialog = QProgressDialog(title, parent.tr("中止"), 0, 0, parent)
        self.dialog.setObjectName("taskProgress")
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(
            Qt.WindowModality.NonModal if self.busy is not None else Qt.WindowModality.WindowModal
        )
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
        if self.busy is not None:
            self.busy.release()
        self.dialog.close()
        self.dialog.deleteLater()

    def _on_finished(self, result: object) -> None:
        self._close()
        self.outcome = result
        if not self.quiet:
            self.done.emit(result)

    def _on_failed(self, exc: DeskError) -> None:
        self._close()
        self.outcome = exc
        if not self.quiet:
            self.error.emit(exc)

    def stop(self, timeout_ms: int) -> bool:
        """Cancel and wait (at most `timeout_ms`) until the worker has stopped, without running
        on_done/on_error; whether it stopped (then `outcome` says how it ended)."""
        self.quiet = True
        self.progress.cancel()
        if not self.finished:
            loop = QEventLoop()
            self.signals.finished.connect(loop.quit, Qt.ConnectionType.QueuedConnection)
            self.signals.failed.connect(loop.quit, Qt.ConnectionType.QueuedConnection)
            QTimer.singleShot(timeout_ms, loop.quit)
            loop.exec()
        if not self.finished:
            self.quiet = False  # it ends later: say so the usual way
        return self.finished


class _Busy:
    """A main window at work: panes, menus and every action disabled (shortcuts included);
    the frame, and so its close button, stay live. `release()` enables what it disabled."""

    def __init__(self, window: QMainWindow) -> None:
        self.widgets = [
            w for w in (window.centralWidget(), window.menuBar()) if w is not None and w.isEnabled()
        ]
        self.actions = [a for a in window.findChildren(QAction) if a.isEnabled()]
        for w in self.widgets:
            w.setEnabled(False)
        for a in self.actions:
            a.setEnabled(False)

    def release(self) -> None:
        # a view rebuilt meanwhile (another plan) took its widgets and actions with it
        for w in self.widgets:
            if shiboken6.isValid(w):
                w.setEnabled(True)
        for a in self.actions:
            if shiboken6.isValid(a):
                a.setEnabled(True)
        self.widgets, self.actions = [], []


STOP_TIMEOUT_MS = 60_000  # a unit of work (one workbook, one page) takes well under a second


def finish_all(timeout_ms: int = STOP_TIMEOUT_MS) -> bool:
    """Cancel every task still running and wait (bounded) for the workers: called when the
    application ends, before its desk closes — a worker left running Python code while the
    interpreter shuts down crashes the process. Whether all stopped."""
    for task in list(_RUNNING):
        task.progress.cancel()
    return QThreadPool.globalInstance().waitForDone(timeout_ms)


def running_for(window: QWidget) -> list[Task]:
    """Tasks started from `window` or one of its dialogs that have not finished."""
    return [
        t
        for t in _RUNNING
        if not t.finished
        and shiboken6.isValid(t.parent_widget)  # a dialog closed meanwhile took its task along
        and t.parent_widget.window() is window
    ]


def settle_before_close(window: QWidget, timeout_ms: int = STOP_TIMEOUT_MS) -> bool:
    """Whether `window` may close: with a task running, ask 「中止して閉じる」/「続ける」; on
    中止 stop it (bounded) and say what it had done. False: keep the window open."""
    tasks = running_for(window)
    if not tasks:
        return True
    box = QMessageBox(
        QMessageBox.Icon.Question,
        window.tr("閉じる"),
        window.tr("%1の途中です。中止して閉じますか？").replace("%1", tasks[0].what),
        parent=window,
    )
    box.setObjectName("closeDuringTask")
    stop = box.addButton(window.tr("中止して閉じる"), QMessageBox.ButtonRole.DestructiveRole)
    go_on = box.addButton(window.tr("続ける"), QMessageBox.ButtonRole.RejectRole)
    stop.setObjectName("stopAndClose")
    go_on.setObjectName("keepWorking")
    box.setDefaultButton(go_on)
    box.exec()
    if box.clickedButton() is not stop:
        return False
    said = []
    for task in tasks:
        if not task.stop(timeout_ms):
            QMessageBox.warning(
                window,
                window.tr("閉じる"),
                window.tr("%1を止められませんでした。終わってから閉じてください。").replace(
                    "%1", task.what
                ),
            )
            return False
        said.append(_what_was_done(window, task))
    said = [s for s in said if s]
    if said:  # something was written before the stop: say exactly what
        done = QMessageBox(
            QMessageBox.Icon.Information, window.tr("閉じる"), "\n\n".join(said), parent=window
        )
        done.setObjectName("doneBeforeClose")
        done.exec()
    return True


def _what_was_done(window: QWidget, task: Task) -> str:
    """What a stopped task had done; "" when it changed nothing."""
    out = task.outcome
    if isinstance(out, Cancelled):
        return "" if out.message == Cancelled().message else out.message
    if isinstance(out, DeskError):
        return out.message
    return window.tr("%1は中止する前に終わりました。").replace("%1", task.what)


def run_task(
    parent: QWidget,
    title: str,
    fn: Callable[[Progress], object],
    on_done: Callable[[object], None],
    on_error: Callable[[DeskError], None] | None = None,
    *,
    what: str = "処理",
) -> Task:
    task = Task(parent, title, fn, what)
    task.done.connect(on_done)

    def default_error(exc: DeskError) -> None:
        notify(parent, title, exc.message, warning=not isinstance(exc, Cancelled))

    task.error.connect(on_error or default_error)
    return task
