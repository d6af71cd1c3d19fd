"""計画の数値目標…: the plan's own indicators — each 基本目標's 数値目標 (総合戦略), the plan's
KPIs (デジタル戦略) — one block per 基本目標 / KPI group, laid out as the form lays out a
measure's indicators (ui/indicator_rows.py): name and 基準値, the target per year as the plan
states it, 実績値 editors per year, the live 判定; below them the history of their values.

The secretariat types the values: a field is saved when it is left (or the dialog closed) as
one undoable batch (Desk.save_plan_indicators); a value that is not a number in the
indicator's unit stays on screen, tinted, with the reason said once at the foot. Departments
see it read-only. The dialog is not modal: it follows the window's `changed` broadcast (an
undo in the window), and its Ctrl+Z / Ctrl+Y are the window's.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain import fields as F
from ..domain.achievement import format_number
from ..domain.changes import Changes
from ..domain.errors import DeskError
from ..domain.fiscal import long_label
from ..domain.indicator import Indicator
from ..domain.model import Measure
from ..domain.values import validate
from ..services.plan_indicators import IndicatorGroup
from .editors import FieldEditor
from .history_model import HistoryModel
from .indicator_rows import WARNING_STYLE, IndicatorRows

Key = tuple[int | None, str]
ValueKey = tuple[int, int, str]
_SHEET_STYLE = (
    "#planIndicators QLabel#caption { background: #e8eef7; border: 1px solid #b8c4d6; "
    "padding: 4px; font-weight: bold; } #planIndicators QLabel#group { font-size: 12pt; "
    "font-weight: bold; padding: 8px 0 2px 0; }"
)


def _shell(plan_id: int, group: IndicatorGroup) -> Measure:
    """The group as the measure IndicatorRows lays out: its indicators with their values."""
    return Measure(
        id=0,
        key="",
        plan_id=plan_id,
        node_id=0,
        number=None,
        repeat_of=None,
        name=group.title,
        numeric=True,
        departments=(),
        indicators=tuple(i.indicator for i in group.items),
        actuals={i.indicator.key: dict(i.actuals) for i in group.items},
        figures={i.indicator.key: dict(i.figures) for i in group.items},
    )


class _GroupBlock:
    """One 基本目標 / KPI group: its heading, year headers and indicator rows in one grid."""

    def __init__(self, dialog: PlanIndicatorsDialog, group: IndicatorGroup, years) -> None:
        self.dialog, self.group = dialog, group
        self.widget = QWidget()
        grid = QGridLayout(self.widget)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(6)
        heading = QLabel(f"{group.owner}　{group.title}".strip())
        heading.setObjectName("group")
        heading.setWordWrap(True)
        grid.addWidget(heading, 0, 0, 1, 1 + len(years))
        for i, fy in enumerate(years):
            h = QLabel(long_label(fy))
            h.setObjectName("caption")
            h.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(h, 1, 1 + i)
        grid.setColumnMinimumWidth(0, 220)
        grid.setColumnStretch(0, 2)
        for c in range(1, 1 + len(years)):
            grid.setColumnStretch(c, 1)
        self.editors: dict[Key, FieldEditor] = {}
        self.rows = IndicatorRows(grid, 2, tuple(years), self._add_editor, self._drop_editor)
        self.ids = {i.indicator.key: i.id for i in group.items}
        self.measure = _shell(dialog.desk.plan.id, group)
        self.rows.build(self.measure)
        self.rows.show_static(self.measure)

    def _add_editor(self, key: Key, editor: FieldEditor, r: int, c: int) -> None:
        self.editors[key] = editor
        fy, field = key
        editor.setObjectName(f"plan_{self.value_key(key)[0]}_{field.split(':')[0]}_{fy}")
        self.rows.grid.addWidget(editor, r, c)
        editor.edited.connect(self.show_verdicts)
        editor.committed.connect(self.dialog.commit)

    def _drop_editor(self, key: Key) -> None:
        editor = self.editors.pop(key, None)
        if editor is not None:
            editor.setParent(None)
            editor.deleteLater()

    def value_key(self, key: Key) -> ValueKey:
        """The editor's (fy, field) as the service's (indicator id, fy, "actual"|"figure"): the
        first indicator's actual is the plain "actual", as on a measure's form."""
        fy, field = key
        assert fy is not None
        kind, ikey = F.split_series(field) or (F.ACTUAL, self.measure.indicators[0].key)
        return self.ids[ikey], fy, kind

    def loaded(self, key: Key) -> float | None:
        iid, fy, kind = self.value_key(key)
        item = next(i for i in self.group.items if i.id == iid)
        return item.value(fy, kind)

    def indicator(self, iid: int) -> Indicator:
        return next(i.indicator for i in self.group.items if i.id == iid)

    def load(self, group: IndicatorGroup, editable: bool, keep: set[Key]) -> None:
        """Show `group`'s values; the editors in `keep` keep what is typed in them."""
        self.group = group
        self.measure = _shell(self.measure.plan_id, group)
        closed = self.dialog.desk.closed_years()
        for key, editor in self.editors.items():
            editor.set_editable(editable and key[0] not in closed)
            editor.say_closed(closed[key[0]].reason() if key[0] in closed else "")
            if key not in keep:
                editor.set_value(self.loaded(key))
                editor.mark_invalid(None)
        self.show_verdicts()

    def dirty(self) -> dict[Key, object]:
        return {
            k: e.value()
            for k, e in self.editors.items()
            if format_number(self.loaded(k)) != str(e.value()).strip()  # type: ignore[arg-type]
        }

    def show_verdicts(self) -> None:
        typed = self.rows.typed(self.measure, lambda k: self.editors[k].value())
        self.rows.show_verdicts(typed)


class PlanIndicatorsDialog(QDialog):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window_ = window
        self.desk = window.desk
        plan = self.desk.plan
        self.plan_code = plan.code
        role = self.desk.role
        self.editable = role is not None and role.is_secretariat
        self.setObjectName("planIndicators")
        self.setStyleSheet(_SHEET_STYLE)
        self.setWindowTitle(self.tr("%1 の数値目標").replace("%1", plan.name))
        lay = QVBoxLayout(self)
        intro = QLabel(
            self.tr("実績値は欄を離れると保存されます（元に戻す: Ctrl+Z）。")
            if self.editable
            else self.tr("閲覧のみです。実績値は事務局が入力します。")
        )
        intro.setObjectName("intro")
        lay.addWidget(intro)
        page = QWidget()
        pl = QVBoxLayout(page)
        groups = self.desk.plan_indicators()
        self.blocks = [_GroupBlock(self, g, plan.years) for g in groups]
        for b in self.blocks:
            pl.addWidget(b.widget)
        pl.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(page)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.history_model = HistoryModel(self)
        self.history = QTableView()
        self.history.setObjectName("planIndicatorHistory")
        self.history.setModel(self.history_model)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        below = QWidget()
        bl = QVBoxLayout(below)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addWidget(self.message)
        bl.addWidget(QLabel(self.tr("変更履歴")))
        bl.addWidget(self.history, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(scroll)
        split.addWidget(below)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        lay.addWidget(split, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        for button in buttons.buttons():  # Return in a field saves it, never closes the dialog
            button.setAutoDefault(False)
            button.setDefault(False)
        lay.addWidget(buttons)
        for text, seq, slot in (
            (self.tr("元に戻す"), QKeySequence.StandardKey.Undo, window.undo),
            (self.tr("やり直し"), QKeySequence("Ctrl+Y"), window.redo),
        ):
            act = QAction(text, self)
            act.setShortcut(seq)
            act.triggered.connect(lambda _=False, s=slot: (self.commit(), s()))
            self.addAction(act)
        self._last_report: str | None = None
        window.changed.connect(self._changed)
        self.resize(960, 720)
        self.reload()

    def reload(self, keep: frozenset[tuple[int, Key]] = frozenset()) -> None:
        """The values and history as stored now; what is typed and unsaved is replaced, except
        the fields `keep` names ((block, key): a value refused, left as typed)."""
        groups = {(g.owner, g.title): g for g in self.desk.plan_indicators()}
        for n, b in enumerate(self.blocks):
            group = groups.get((b.group.owner, b.group.title), b.group)
            b.load(group, self.editable, {k for m, k in keep if m == n})
        names = {i.id: i.indicator.name for b in self.blocks for i in b.group.items}
        entries = self.desk.plan_indicator_history()
        self.history_model.set_entries(entries, owned_names=names)

    def _changed(self, changes: Changes, handler: object) -> None:
        if handler is self or self.desk.plan.code != self.plan_code:
            return
        if changes.indicators:
            self.reload()

    def commit(self) -> None:
        """Save every changed value as one batch; a value refused stays on screen, tinted,
        with its reason (said once at the foot), and the others are saved."""
        if not self.editable:
            return
        edits: dict[ValueKey, object] = {}
        bad: dict[tuple[int, Key], str] = {}
        for n, b in enumerate(self.blocks):
            for key, value in b.dirty().items():
                iid, fy, kind = b.value_key(key)
                ind = b.indicator(iid)
                try:
                    validate(kind, value, unit=ind.unit)
                except DeskError as exc:
                    bad[(n, key)] = f"{ind.name}（{long_label(fy)}）: {exc.message}"
                    continue
                edits[(iid, fy, kind)] = value
        for n, b in enumerate(self.blocks):
            for key, editor in b.editors.items():
                editor.mark_invalid(bad.get((n, key)))
        messages = list(bad.values())
        if edits:
            try:
                self.desk.save_plan_indicators(edits)
            except DeskError as exc:
                messages.insert(0, exc.message)
            else:
                self.window_.broadcast(handler=self)
                self.reload(frozenset(bad))
        self._report(messages[0] if messages else None)

    def _report(self, message: str | None) -> None:
        """Say a refusal once, in place at the foot; the same one again changes nothing."""
        if message is None:
            self._last_report = None
            self.message.setVisible(False)
            return
        if message == self._last_report:
            return
        self._last_report = message
        self.message.setText(message)
        self.message.setStyleSheet(WARNING_STYLE)
        self.message.setVisible(True)

    def done(self, result: int) -> None:
        """Closed by any way (閉じる, Esc, the title bar): what is typed is saved first."""
        self.commit()
        try:
            self.window_.changed.disconnect(self._changed)
        except (RuntimeError, TypeError):  # already disconnected
            pass
        super().done(result)

    def closeEvent(self, event) -> None:  # noqa: N802
        self.done(QDialog.DialogCode.Rejected)
        super().closeEvent(event)


def show_plan_indicators(window) -> PlanIndicatorsDialog | None:
    """Open (or bring forward) the dialog for the window's plan; None when it has none."""
    window.form.commit()
    old = getattr(window, "plan_indicators_dialog", None)
    if old is not None and old.isVisible():
        if old.plan_code == window.desk.plan.code:
            old.raise_()
            old.activateWindow()
            return old
        old.close()
    if not window.desk.plan_indicators():
        window.statusBar().showMessage(
            window.tr("この計画には計画全体・基本目標の数値目標はありません"), 5000
        )
        return None
    dlg = PlanIndicatorsDialog(window)
    window.plan_indicators_dialog = dlg
    dlg.show()
    return dlg


def close_open(window) -> None:
    """Close the window's dialog if it is open (saving what is typed in it)."""
    dlg = getattr(window, "plan_indicators_dialog", None)
    if dlg is not None and dlg.isVisible():
        dlg.close()
    window.plan_indicators_dialog = None


def install(window, menu) -> QAction:
    act = QAction(window.tr("計画の数値目標…"), window)
    act.setObjectName("actPlanIndicators")
    act.triggered.connect(lambda: show_plan_indicators(window))
    menu.addAction(act)
    return act
