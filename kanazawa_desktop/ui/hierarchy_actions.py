"""The secretariat edits the hierarchy: 「体系の名称を変更…」 (F2 on the tree) and 「体系を追加…」.

`install(window, menu)` adds both actions to `menu` and to the tree's context menu. A rename
is one undoable change (Ctrl+Z), recorded in the history of every measure below the node.
A new node goes under the chosen 方針 or 項目 (beside the chosen 小項目), numbered after
its siblings; like a new measure it cannot be undone.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMenu

from .list_model import NodeIdRole
from .operations import run_op


def install(window, menu: QMenu) -> list[QAction]:
    rename = QAction(window.tr("体系の名称を変更…"), window)
    rename.setObjectName("actRenameNode")
    rename.setShortcut(QKeySequence("F2"))
    rename.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    rename.triggered.connect(lambda: rename_current(window))
    add = QAction(window.tr("体系を追加…"), window)
    add.setObjectName("actAddNode")
    add.triggered.connect(lambda: add_under_current(window))
    for act in (rename, add):
        menu.addAction(act)
    window.tree.addAction(rename)  # F2 where the node is chosen, like renaming in Explorer
    window.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    window.tree.customContextMenuRequested.connect(
        lambda pos: _context_menu(window, [rename, add], pos)
    )
    window.act_rename_node, window.act_add_node = rename, add
    return [rename, add]


def _context_menu(window, actions: list[QAction], pos) -> None:
    index = window.tree.indexAt(pos)
    if index.data(NodeIdRole) is None:
        return
    window.tree.setCurrentIndex(index)
    menu = QMenu(window.tree)
    menu.addActions(actions)
    menu.exec(window.tree.viewport().mapToGlobal(pos))


def _chosen_node(window):
    index: QModelIndex = window.tree.currentIndex()
    node_id = index.data(NodeIdRole) if index.isValid() else None
    if node_id is None:
        window.statusBar().showMessage(
            window.tr("左の一覧で方針・項目・小項目を選んでください"), 5000
        )
        return None
    return next(n for n in window.desk.nodes() if n.id == node_id)


def _ask_and_save(window, title: str, label: str, initial: str, save):
    """Ask for a name; save(text) through the desk. None when cancelled or refused (shown)."""
    text, ok = QInputDialog.getText(window, title, label, QLineEdit.EchoMode.Normal, initial)
    if not ok:
        return None
    window.form.commit()
    return run_op(window, lambda _desk: save(text))


def add_under_current(window) -> None:
    """Ask for the title of a new 項目/小項目 under the chosen node (beside a chosen 小項目)."""
    node = _chosen_node(window)
    if node is None:
        return
    levels = window.desk.plan.levels
    parent = node
    if node.level >= len(levels):
        parent = next(n for n in window.desk.nodes() if n.id == node.parent_id)
    kind = levels[parent.level] if parent.level < len(levels) else levels[-1]
    label = (
        window.tr("「%1」の下に追加する%2の名称").replace("%1", parent.caption).replace("%2", kind)
    )
    node_id = _ask_and_save(
        window,
        window.tr("体系を追加"),
        label,
        "",
        lambda text: window.desk.add_node(parent.id, text),
    )
    if node_id is None:
        return
    index = window.tree_model.index_of_node(node_id)
    if index.isValid():
        window.tree.setCurrentIndex(index)
    window.statusBar().showMessage(
        window.tr(
            "%1を追加しました。「取組を追加」または取組の「体系」欄で、取組を入れられます"
        ).replace("%1", kind),
        8000,
    )


def rename_current(window) -> None:
    """Ask for a new title of the node chosen in the tree, and save it."""
    node = _chosen_node(window)
    if node is None:
        return
    batch = _ask_and_save(
        window,
        window.tr("体系の名称を変更"),
        window.tr("%1 の名称").replace("%1", node.label),
        node.title,
        lambda text: window.desk.rename_node(node.id, text),
    )
    if batch is not None:
        window.statusBar().showMessage(
            window.tr("体系の名称を変更しました（Ctrl+Z で元に戻せます）"), 5000
        )
