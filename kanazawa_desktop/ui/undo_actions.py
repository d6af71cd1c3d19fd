"""編集 → 元に戻す / やり直す: the focused text box's own typing steps first, then saved field edits
(Desk.undo/redo through run_op, so every view follows); the status bar says what changed back."""

from __future__ import annotations

from .operations import run_op


def undo(window) -> None:
    """Ctrl+Z: the focused text box's own typing steps first, then saved field edits."""
    if window.form.undo_typing():
        return
    window.form.commit()
    run_undo(
        window,
        window.desk.undo,
        window.tr("元に戻しました"),
        window.tr("元に戻せる変更はありません"),
    )


def redo(window) -> None:
    if window.form.undo_typing(redo=True):
        return
    window.form.commit()
    run_undo(
        window,
        window.desk.redo,
        window.tr("やり直しました"),
        window.tr("やり直せる変更はありません"),
    )


def _what(window, changes) -> str:
    """'No.7 令和5年度 計画達成状況' (ほか N件) for the status bar."""
    from ..domain.fields import LABELS
    from ..domain.fields import label as field_label
    from ..domain.fiscal import long_label

    c = changes[0]
    if c.node_id is not None:
        text = LABELS["title"]
    elif c.indicator_id is not None:  # a 基本目標's or the plan's own 数値目標
        text = " ".join((window.tr("計画の数値目標"), long_label(c.fy), field_label(c.field)))
    else:
        m = window.desk.measure(c.measure_id)
        text = " ".join(
            t
            for t in (
                m.number_label,
                long_label(c.fy) if c.fy else "",
                field_label(c.field),
            )
            if t
        )
    more = len(changes) - 1
    return text + (window.tr("ほか%1件").replace("%1", str(more)) if more else "")


def run_undo(window, op, done: str, nothing: str) -> None:
    changes = run_op(window, lambda desk: op())  # the broadcast reloads the open measure
    if changes is None:
        return
    if not changes:
        window.statusBar().showMessage(nothing, 3000)
        return
    done = f"{done}: {_what(window, changes)}"
    # a 体系 rename or a plan's own 数値目標 concerns no one measure: the open one stays
    target = window.current_id if not changes[0].of_measure else changes[0].measure_id
    if target is not None and target != window.current_id:
        window.current_id = None
        window.open_measure(target)
    window.statusBar().showMessage(done, 3000)
