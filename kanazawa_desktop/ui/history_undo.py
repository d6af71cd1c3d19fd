"""変更履歴 → 「この変更を元に戻す」: undo a past edit chosen in a measure's history.

The chosen row's whole batch (what was saved together) is undone through the window's own
undo path (`undo_actions.run_undo` on `Desk.undo_past`), so the status bar, the open measure
and every view follow as they do for Ctrl+Z. The service refuses — and the reason is shown
— when later edits touched one of its fields or the role may not change them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QMenu, QPushButton

from . import undo_actions


def install(window, layout: QBoxLayout) -> QPushButton:
    """Add the button under the history table (and the same action to its context menu)."""
    button = QPushButton(window.tr("この変更を元に戻す"))
    button.setObjectName("undoHistoryEntry")
    button.setToolTip(window.tr("選んだ行の変更（同時に保存した変更すべて）を元に戻します"))
    button.clicked.connect(lambda: undo_chosen(window))
    button.setEnabled(False)
    view = window.history
    view.selectionModel().currentRowChanged.connect(lambda *_: update(window))
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    view.customContextMenuRequested.connect(lambda pos: _menu(window, pos))
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(button)
    layout.addLayout(row)
    return button


def _chosen(window):
    return window.history_model.entry(window.history.currentIndex().row())


def update(window) -> None:
    """Enabled for a chosen row not undone yet (call after the history is shown again:
    a model reset selects nothing and says nothing)."""
    entry = _chosen(window)
    window.undo_entry_button.setEnabled(entry is not None and not entry.undone)


def _menu(window, pos) -> None:
    view = window.history
    index = view.indexAt(pos)
    if not index.isValid():
        return
    view.setCurrentIndex(index)
    menu = QMenu(view)
    act = menu.addAction(window.tr("この変更を元に戻す"), lambda: undo_chosen(window))
    act.setEnabled(window.undo_entry_button.isEnabled())
    menu.exec(view.viewport().mapToGlobal(pos))


def undo_chosen(window) -> None:
    entry = _chosen(window)
    if entry is None or entry.undone:
        return
    window.form.commit()
    undo_actions.run_undo(
        window,
        lambda: window.desk.undo_past(entry.batch_id),
        window.tr("元に戻しました"),
        window.tr("元に戻せる変更はありません"),
    )
