"""Shared helpers for the GUI tests: answer modal dialogs (bounded), open windows that are
always closed, and open a measure by its 取組No.

Why `when_modal` waits for the dialog to be the *active* window before acting: under the
offscreen platform a dialog is activated by a window-system event that is delivered after
`exec()` has started its loop, so a poll can see the dialog before it (and its line edit)
has focus. Typing into a QFileDialog at that moment is not what a person does and Qt
treats it differently: without focus, QFileDialog never deselects the folders it selected
while the path was typed (`/tmp`, `/tmp/pytest-of-…`, …), so Return "opens" one of those
folders instead of accepting the file, the dialog stays up, and `exec()` never returned
(the hang of test_export_every_sheet_with_the_list_through_the_menu under load).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget

MODAL_TIMEOUT_MS = 20_000  # generous: a loaded 2-core machine shows a dialog in well under 1 s
_POLL_MS = 30
_pending: list[_ModalWait] = []  # strong references: a QTimer dropped by Python stops firing


def close_modals() -> list[str]:
    """Reject (or close) every open modal widget so any blocked exec() returns; their names."""
    closed = []
    for _ in range(50):  # bounded: a dialog that refuses to close must not loop for ever
        w = QApplication.activeModalWidget()
        if w is None:
            break
        closed.append(_describe(w))
        if isinstance(w, QDialog):
            w.reject()
        if w.isVisible():
            w.close()
        if w.isVisible():
            w.hide()
    return closed


def _describe(w: QWidget) -> str:
    name = type(w).__name__
    return f"{name}({w.objectName()!r}, {w.windowTitle()!r})"


class _ModalWait:
    """One pending `when_modal`: polls, acts once, then checks the dialog went away."""

    def __init__(
        self, qtbot, kind: type | None, act: Callable[[QWidget], object], timeout: int, closes: bool
    ) -> None:
        self.qtbot, self.kind, self.act, self.closes = qtbot, kind, act, closes
        self.timeout = timeout
        self.what = "a modal dialog" if kind is None else f"a modal {kind.__name__}"
        self.deadline = time.monotonic() + timeout / 1000
        self.dialog: QWidget | None = None
        self.activated = False
        self.done = False
        self.timer = QTimer()
        self.timer.setInterval(_POLL_MS)
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        _pending.append(self)

    def _finish(self) -> None:
        self.done = True
        self.timer.stop()
        if self in _pending:
            _pending.remove(self)

    def _give_up(self, why: str) -> None:
        self._finish()
        closed = close_modals()
        raise AssertionError(f"when_modal: {why} (closed: {', '.join(closed) or 'nothing'})")

    def _tick(self) -> None:
        if self.dialog is not None:  # acted: the dialog must go away within the bound
            if not shiboken6.isValid(self.dialog) or not self.dialog.isVisible():
                self._finish()  # static helpers (QMessageBox.question) delete their box
            elif time.monotonic() > self.deadline:
                self._give_up(
                    f"{_describe(self.dialog)} was still open {self.timeout} ms "
                    f"after the test acted on it"
                )
            return
        dlg = QApplication.activeModalWidget()
        if (
            dlg is None
            or not dlg.isVisible()
            or not (self.kind is None or isinstance(dlg, self.kind))
        ):
            if time.monotonic() > self.deadline:
                self._give_up(f"{self.what} did not appear within {self.timeout} ms")
            return
        if not dlg.isActiveWindow():  # a person clicks the dialog before typing into it
            if not self.activated:
                dlg.activateWindow()
                self.activated = True
            if time.monotonic() > self.deadline:
                self._give_up(f"{_describe(dlg)} never became the active window")
            return
        self.timer.stop()  # act may block in a nested exec(); never act twice
        try:
            self.act(dlg)
        except BaseException:
            self._finish()
            close_modals()  # the test's failure is reported; the blocked exec() returns
            raise
        if not self.closes:
            self._finish()
            return
        self.dialog = dlg
        self.deadline = time.monotonic() + self.timeout / 1000
        self.timer.start()


def when_modal(
    qtbot,
    kind: type | None,
    act: Callable[[QWidget], object],
    *,
    timeout: int = MODAL_TIMEOUT_MS,
    closes: bool = True,
) -> _ModalWait:
    """Run act(dialog) once a modal dialog of `kind` (any, if None) is shown and active.

    Call it before the code that opens the dialog (which blocks in exec()). Bounded: if no
    such dialog appears within `timeout` ms, or (with closes=True) the dialog is still
    open `timeout` ms after act returned, every open modal dialog is rejected, so the
    blocked exec() returns, and an AssertionError naming what was awaited is raised in
    the event loop; pytest-qt turns it into a failure of the test. An exception in act
    also rejects the open dialogs before it propagates.
    """
    return _ModalWait(qtbot, kind, act, timeout, closes)


def stop_modal_waits() -> list[str]:
    """Cancel waits still pending at the end of a test; what they waited for."""
    left = []
    for wait in list(_pending):
        left.append(wait.what)
        wait._finish()
    return left


def answer_first_start(qtbot, department: str | None = None, secretariat: bool = False) -> None:
    """Answer the first-start question when it appears, with the keyboard and mouse."""
    from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QRadioButton

    from kanazawa_desktop.ui.role_dialog import RoleDialog

    def act(dlg):
        if secretariat:
            qtbot.mouseClick(dlg.findChild(QRadioButton, "secretariat"), Qt.MouseButton.LeftButton)
        else:
            combo = dlg.findChild(QComboBox, "department")
            combo.setFocus()
            for _ in range(combo.count() + 1):  # bounded: Down at the end of the list is a no-op
                if combo.currentText() == department:
                    break
                qtbot.keyClick(combo, Qt.Key.Key_Down)
            assert combo.currentText() == department, f"{department} not reached with Down"
        ok = dlg.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    when_modal(qtbot, RoleDialog, act)


# ---- windows ----------------------------------------------------------------------------


def open_main_window(qtbot, db_path, settings, opened: list, *, activate: bool = False):
    """start() the app on db_path and show its window; the caller's `opened` list
    remembers it, so the fixture closes it (and its desk) whatever the test did."""
    from kanazawa_desktop.app import start

    _app, win = start(db_path, settings)
    assert win is not None
    opened.append(win)
    qtbot.addWidget(win, before_close_func=dismiss_questions)
    win.show()
    qtbot.waitExposed(win)
    if activate:
        win.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=10_000)
    return win


def dismiss_questions(window: QWidget, seconds: float = 10) -> QTimer:
    """For a while, dismiss every question `window` asks while it closes (an undecided save
    conflict, a failed test's leftovers), so a teardown never waits for ever. Only its own
    dialogs: the next test's first-start question must be left alone."""
    guard = QTimer(QApplication.instance())
    guard.setInterval(200)
    ticks = [int(seconds * 5)]

    def asked_by_window(w: QWidget) -> bool:
        p = w.parentWidget()
        while p is not None:
            if p is window:
                return True
            p = p.parentWidget()
        return False

    def tick() -> None:
        ticks[0] -= 1
        alive = shiboken6.isValid(window)
        w = QApplication.activeModalWidget()
        if alive and w is not None and asked_by_window(w):
            close_modals()
        if ticks[0] <= 0 or not alive:
            guard.stop()
            guard.deleteLater()

    guard.timeout.connect(tick)
    guard.start()
    return guard


def close_windows(opened: list) -> None:
    """Close every window in `opened` (and what replaced it) and release their desks."""
    desks = []
    # a question the closing window asks (an undecided save conflict, a failed test's
    # leftovers) is answered by dismissing it, so a teardown never waits for ever
    for win in opened:
        for w in (win, getattr(win, "replacement", None)):
            if w is None:
                continue
            try:
                _stop_tasks(w)  # else closeEvent asks 「中止して閉じますか？」 and waits for ever
                dismiss_questions(w)
                w.close()
            except RuntimeError:  # already deleted by Qt
                continue
            desks.append(w.desk)
    for desk in desks:
        desk.close()  # idempotent; the last one closes the file


def _stop_tasks(win) -> None:
    """Cancel a task the test left running (bounded: 30 s each), before the window closes."""
    from kanazawa_desktop.ui import tasks

    for task in tasks.running_for(win):
        task.stop(30_000)


# ---- measures ---------------------------------------------------------------------------


def measure_id(desk, number: int) -> int:
    """The id of the measure numbered `number` (取組No.)."""
    return next(m.id for m in desk.measures() if m.number == number)


def tree_numbers(win) -> list[str]:
    """The "No.n" of every measure shown in the window's tree, top to bottom."""
    from PySide6.QtCore import QModelIndex

    from kanazawa_desktop.ui.list_model import MeasureIdRole

    model, out = win.tree_model, []

    def walk(parent):
        for r in range(model.rowCount(parent)):
            idx = model.index(r, 0, parent)
            if idx.data(MeasureIdRole) is not None:
                out.append(idx.data().split(" ")[0])
            walk(idx)

    walk(QModelIndex())
    return out


def select_measure(qtbot, win, number: int) -> None:
    """Open measure No.`number` as a person would: Ctrl+F, type "No.n ", click the one hit."""
    qtbot.keyClick(win, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert win.filters.search.hasFocus()
    qtbot.keyClicks(win.filters.search, f"No.{number} ")
    mid = next(r.id for r in win.desk.rows() if r.number == number)

    def shown() -> bool:  # the filter applied (it waits for typing to pause): the row in view
        rect = win.tree.visualRect(win.tree_model.index_of_measure(mid))
        return tree_numbers(win).count(f"No.{number}") == 1 and win.tree.viewport().rect().contains(
            rect.center()
        )

    qtbot.waitUntil(shown, timeout=10_000)
    rect = win.tree.visualRect(win.tree_model.index_of_measure(mid))
    qtbot.mouseClick(win.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert win.form.measure.number == number
    win.filters.search.clear()


def apply_import(qtbot, dlg, *, leave_out: tuple[str, ...] = (), seen: list | None = None) -> None:
    """Click 反映 in the import dialog and answer its confirmation as a person would: untick
    the files named in `leave_out`, then 反映する. `seen` gets the confirmation's summary."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QPushButton

    from kanazawa_desktop.ui.apply_confirm import ApplyConfirmDialog

    def confirm(box):
        for i in range(box.files.count()):
            item = box.files.item(i)
            if any(item.text().startswith(name) for name in leave_out):
                item.setCheckState(Qt.CheckState.Unchecked)
        if seen is not None:
            seen.append(box.summary.text())
        qtbot.mouseClick(box.ok, Qt.MouseButton.LeftButton)

    when_modal(qtbot, ApplyConfirmDialog, confirm)
    qtbot.mouseClick(dlg.findChild(QPushButton, "applyImport"), Qt.MouseButton.LeftButton)
