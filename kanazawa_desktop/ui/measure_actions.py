"""取組 → 取組を追加… / この取組を廃止／廃止を取り消す (the secretariat's window)."""

from __future__ import annotations

from .add_measure_dialog import AddMeasureDialog
from .list_model import NodeIdRole
from .operations import run_op


def add_measure(window) -> None:
    window.form.commit()
    current = window.form.measure
    chosen = window.tree.currentIndex().data(NodeIdRole)  # a 小項目 chosen in the tree first
    node_id = chosen if chosen is not None else (current.node_id if current else None)
    node_key = next((n.key for n in window.desk.nodes() if n.id == node_id), None)
    dlg = AddMeasureDialog(window.desk.nodes(), window.desk.departments(), node_key, window)
    if dlg.exec() != AddMeasureDialog.DialogCode.Accepted:
        return
    values = dlg.values()
    mid = run_op(window, lambda desk: desk.add_measure(**values))
    if mid is None:
        return
    window.open_measure(mid)
    window.statusBar().showMessage(window.tr("取組を追加しました"), 3000)


def toggle_retired(window) -> None:
    m = window.form.measure
    if m is None:
        return
    window.form.commit()
    if run_op(window, lambda desk: desk.save(m.id, {(None, "retired"): not m.retired})) is None:
        return
    done = (
        window.tr("%1 を廃止しました") if not m.retired else window.tr("%1 の廃止を取り消しました")
    )
    window.statusBar().showMessage(
        done.replace("%1", m.number_label) + window.tr("（Ctrl+Z で元に戻せます）"), 8000
    )
