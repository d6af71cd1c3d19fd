"""The secretariat renames a 方針/項目/小項目: 「体系の名称を変更…」 (F2 on the tree, or its context menu).

`install(window, menu)` adds the action to `menu` and to the tree's context menu. The rename
is one undoable change (Ctrl+Z), recorded in the history of every measure below the node.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMenu

from ..domain.errors import DeskError
from .list_model import NodeIdRole


def install(window, menu: QMenu) -> QAction:
    act = QAction(window.tr("体系の名称を変更…"), window)
    act.setObjectName("actRenameNode")
    act.setShortcut(QKeySequence("F2"))
    act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    act.triggered.connect(lambda: rename_current(window))
    menu.addAction(act)
    window.tree.addAction(act)  # F2 where the node is chosen, like renaming in Explorer
    window.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    window.tree.customContextMenuRequested.connect(lambda pos: _context_menu(window, act, pos))
    window.act_rename_node = act
    return act


def _context_menu(window, act: QAction, pos) -> None:
    index = window.tree.indexAt(pos)
    if index.data(NodeIdRole) is None:
        return
    window.tree.setCurrentIndex(index)
    menu = QMenu(window.tree)
    menu.addAction(act)
    menu.exec(window.tree.viewport().mapToGlobal(pos))


def rename_current(window) -> None:
    """Ask for a new title of the node chosen in the tree, and save it."""
    index: QModelIndex = window.tree.currentIndex()
    node_id = index.data(NodeIdRole) if index.isValid() else None
    if node_id is None:
        window.statusBar().showMessage(
            window.tr("左の一覧で名称を変える方針・項目・小項目を選んでください"), 5000)
        return
    node = next(n for n in window.desk.nodes() if n.id == node_id)
    text, ok = QInputDialog.getText(window, window.tr("体系の名称を変更"),
                                    window.tr("%1 の名称").replace("%1", node.label),
                                    QLineEdit.EchoMode.Normal, node.title)
    if not ok:
        return
    window.form.commit()
    try:
        batch = window.desk.rename_node(node_id, text)
    except DeskError as exc:
        window._show_error(exc.message)
        return
    if batch is not None:
        window.data_changed()
        window.statusBar().showMessage(window.tr("体系の名称を変更しました（Ctrl+Z で元に戻せます）"), 5000)
