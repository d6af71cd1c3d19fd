"""The 取組管理票 form: one measure laid out like the city's sheet, R5–R8 side by side.

Edits are saved field by field (leaving a field, choosing a status, switching measure,
Ctrl+S, closing the window). Until then typed text is kept as a draft in the database
every few hundred milliseconds, so a crash or power cut loses at most that much.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ..domain import fields as F
from ..domain.achievement import format_number
from ..domain.details import sections
from ..domain.errors import ConflictError, DeskError
from ..domain.fiscal import current_fiscal_year, long_label
from ..domain.judgement import disagrees, of_measure
from ..domain.model import Measure
from ..domain.status import Status
from ..domain.values import field_value, series_fields, unit_of, validate
from ..services.desk import Desk, SaveResult
from . import save_conflict
from .editors import (
    DepartmentsEditor,
    FieldEditor,
    LineEditor,
    ListEditor,
    NodeEditor,
    ResourcesEditor,
    StatusEditor,
    TextEditor,
    restyle,
)
from .indicator_dialog import IndicatorDialog
from .indicator_rows import WARNING_STYLE, IndicatorRows

DRAFT_DELAY_MS = 400
Key = tuple[int | None, str]
# the measure fields the form shows in editors (the year fields follow, per year)
_FORM_MEASURE_FIELDS = (
    "node",
    "name",
    "departments",
    "summary",
    "vision",
    "related_plans",
    "resources",
)


def _caption(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("caption")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
    return label


class MeasureForm(QScrollArea):
    saved = Signal(object)  # SaveResult
    failed = Signal(str)  # a Japanese message
    refused_again = Signal(str)  # the same refusal once more: the status bar is enough
    refused = Signal(str)  # a value refused: said in place under the field, and once here
    open_measure = Signal(int)

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._asking = False  # the save-conflict question is open
        self.desk = desk
        self.measure: Measure | None = None
        self.editors: dict[Key, FieldEditor] = {}
        self._loaded: dict[Key, object] = {}
        self._last_report: tuple[int | None, str] | None = None
        self._refusals: dict[Key, str] = {}  # what is said under the fields now
        self._drafted: set[Key] = set()  # fields with a draft in the database
        self._unkept: str | None = None  # why the last drafts could not be written
        self._draft_timer = QTimer(self)
        self._draft_timer.setSingleShot(True)
        self._draft_timer.setInterval(DRAFT_DELAY_MS)
        self._draft_timer.timeout.connect(self.write_drafts)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._build()

    # ---- layout -------------------------------------------------------------
    def _build(self) -> None:
        page = QWidget()
        page.setObjectName("sheet")
        page.setStyleSheet(
            "#sheet QLabel#caption { background: #e8eef7; border: 1px solid #b8c4d6; padding: 4px; "
            "font-weight: bold; } #sheet QLabel#path { color: #334; }"
        )
        outer = QVBoxLayout(page)
        self.path_label = QLabel()
        self.path_label.setObjectName("path")
        self.path_label.setWordWrap(True)
        outer.addWidget(self.path_label)
        self._nodes_shown = self.desk.nodes()
        self.node_editor = NodeEditor(self._nodes_shown)
        self.editors[(None, "node")] = self.node_editor
        self.node_editor.edited.connect(lambda: self._on_edited((None, "node")))
        self.node_editor.committed.connect(self._on_committed)
        outer.addWidget(self.node_editor)
        self.repeat_bar = QWidget()
        rb = QHBoxLayout(self.repeat_bar)
        rb.setContentsMargins(0, 0, 0, 0)
        self.repeat_label = QLabel()
        self.repeat_button = QPushButton(self.tr("再掲元を開く"))
        self.repeat_button.clicked.connect(self._open_repeated)
        rb.addWidget(self.repeat_label, 1)
        rb.addWidget(self.repeat_button)
        outer.addWidget(self.repeat_bar)

        g = QGridLayout()
        g.setHorizontalSpacing(6)
        g.setVerticalSpacing(6)
        outer.addLayout(g, 1)
        self.number_label = QLabel()
        self.number_label.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.number_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        g.addWidget(self.number_label, 0, 0)
        self._add(g, (None, "name"), LineEditor(), 0, 1, 1, 3)
        dept = QWidget()
        dl = QHBoxLayout(dept)
        dl.setContentsMargins(0, 0, 0, 0)
        dl.addWidget(_caption(self.tr("担当課")))
        self._dept_holder = dl
        g.addWidget(dept, 0, 4)
        dept_editor = DepartmentsEditor()
        self.editors[(None, "departments")] = dept_editor
        dept_editor.setObjectName("edit_departments_m")
        dl.addWidget(dept_editor, 1)
        dept_editor.edited.connect(lambda: self._on_edited((None, "departments")))
        dept_editor.committed.connect(self._on_committed)
        # the plan's own rows under its own words: 概要 and めざす姿 (目指すべき姿 in the デジタル
        # 戦略), 関連計画 beside 確保する行政資源; a row the plan's sheet has not is not built
        plan = self.desk.plan
        for row, field in enumerate(("summary", "vision"), start=1):
            if field in plan.rows:
                g.addWidget(_caption(plan.label(field)), row, 0)
                self._add(g, (None, field), TextEditor(2, grow=False), row, 1, 1, 4)
        if "related_plans" in plan.rows:
            g.addWidget(_caption(plan.label("related_plans")), 3, 0)
            self._add(g, (None, "related_plans"), ListEditor(2, grow=False), 3, 1, 1, 2)
        if "resources" in plan.rows:
            g.addWidget(_caption(plan.label("resources")), 3, 3)
            self._add(g, (None, "resources"), ResourcesEditor(), 3, 4, 1, 1)

        years = self.desk.plan.years
        self.year_headers = []
        for i, fy in enumerate(years):
            h = _caption(long_label(fy))
            self.year_headers.append(h)
            g.addWidget(h, 4, 1 + i)
        rows = (
            (F.PLAN_TEXT, "実施計画"),
            (F.RESULT_TEXT, "実施結果"),
            (F.STATUS, "計画達成状況"),
        )
        self.numeric_widgets: list[QWidget] = []
        self.derived_labels: dict[int, QLabel] = {}
        for r, (field, label) in enumerate(rows, start=5):
            g.addWidget(_caption(self.tr(label)), r, 0)
            for i, fy in enumerate(years):
                editor: FieldEditor
                if field in (F.PLAN_TEXT, F.RESULT_TEXT):
                    editor = TextEditor(5)
                else:
                    editor = StatusEditor()
                self._add(g, (fy, field), editor, r, 1 + i, 1, 1)
        # the indicators' judgement of each year, beside the status chosen above
        self.indicator_label = _caption(self.tr("数値の判定"))
        g.addWidget(self.indicator_label, 8, 0, 1, 1)
        for i, fy in enumerate(years):
            lab = QLabel()
            lab.setObjectName(f"judgement_{fy}")
            lab.setWordWrap(True)
            lab.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.derived_labels[fy] = lab
            g.addWidget(lab, 8, 1 + i)
        self.numeric_widgets.append(self.indicator_label)
        self.numeric_widgets.extend(self.derived_labels.values())
        self.define_button = QPushButton(self.tr("指標の定義…"))
        self.define_button.setObjectName("defineIndicators")
        self.define_button.clicked.connect(self.define_indicators)
        g.addWidget(self.define_button, 9, 0)
        self.indicator_rows = IndicatorRows(
            g, 10, years, lambda k, e, r, c: self._add(g, k, e, r, c, 1, 1), self._drop
        )
        for c in range(1, 1 + max(4, len(years))):
            g.setColumnStretch(c, 1)
        for r in (5, 6):  # 実施計画 and 実施結果 take the height the window has
            g.setRowStretch(r, 1)
        g.setColumnMinimumWidth(0, 96)
        # what a later plan says beyond this sheet (具体的な事業, 具体的な取組 …), read-only
        self.details_label = QLabel()
        self.details_label.setObjectName("details")
        self.details_label.setWordWrap(True)
        self.details_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details_label.setStyleSheet("padding: 6px; border: 1px solid #b8c4d6;")
        outer.addWidget(self.details_label)
        self.setWidget(page)
        self._set_tab_order(years)

    def _add(
        self, g: QGridLayout, key: Key, editor: FieldEditor, r: int, c: int, rs: int, cs: int
    ) -> None:
        self.editors[key] = editor
        editor.setObjectName(f"edit_{key[1]}_{key[0] or 'm'}")
        g.addWidget(editor, r, c, rs, cs)
        editor.edited.connect(lambda k=key: self._on_edited(k))
        editor.committed.connect(self._on_committed)

    def _drop(self, key: Key) -> None:
        editor = self.editors.pop(key, None)
        if editor is not None:
            editor.setParent(None)
            editor.deleteLater()

    def _set_tab_order(self, years: tuple[int, ...]) -> None:
        """Tab follows the sheet: header, texts, then each row of the year grid left to right."""
        order = [
            (None, "node"),
            (None, "name"),
            (None, "departments"),
            (None, "summary"),
            (None, "vision"),
            (None, "related_plans"),
            (None, "resources"),
        ]
        for field in (F.PLAN_TEXT, F.RESULT_TEXT, F.STATUS):
            order += [(fy, field) for fy in years]
        # each indicator's row, year by year, as the eye reads the table
        order += self.indicator_rows.keys
        widgets = [self.editors[k].focus_widget() for k in order if k in self.editors]
        for a, b in zip(widgets, widgets[1:], strict=False):
            QWidget.setTabOrder(a, b)

    # ---- loading ------------------------------------------------------------
    def load(self, measure_id: int, drafts: dict[Key, str] | None = None) -> None:
        """Show a measure; `drafts` (unsaved text from a previous run) go back into the fields."""
        m = self.desk.measure(measure_id)
        self.measure = m
        self._last_report = None
        self._refusals = {}
        held = drafts if drafts is not None else self.desk.drafts().get(measure_id, {})
        self._drafted = set(held)  # what write_drafts must drop once typed back
        if self.indicator_rows.build(m):
            self._set_tab_order(self.desk.plan.years)
        for editor in self.editors.values():
            editor.mark_invalid(None)
        nodes = self.desk.nodes()
        if nodes != self._nodes_shown:  # a 体系 renamed since: the drop-down's captions follow
            self.node_editor.set_nodes(nodes)
            self._nodes_shown = nodes
        self._loaded = self._values(m)
        closed = self.desk.closed_years()
        for key, editor in self.editors.items():
            editor.set_value(self._loaded[key])
            fy, field = key
            editor.set_editable(self.desk.can_edit(m, field, fy))
            if fy is not None:
                editor.say_closed(closed[fy].reason() if fy in closed else "")
        now = current_fiscal_year(self.desk.plan.years)
        for fy, header in zip(self.desk.plan.years, self.year_headers, strict=True):
            marks = (self.tr("（今年度）") if fy == now else "") + (
                self.tr("（締切済み）") if fy in closed else ""
            )
            header.setText(long_label(fy) + marks)
            header.setToolTip(closed[fy].reason() if fy in closed else "")
        for key, text in (drafts or {}).items():
            if key in self.editors:
                self.editors[key].set_raw_text(text)
        focused = QApplication.focusWidget()
        for editor in self.editors.values():
            if focused is not None and editor.focus_widget() is focused:
                editor.cursor_to_end()  # typing goes on after the text, not before it
        self._show_static(m)

    def _values(self, m: Measure) -> dict[Key, object]:
        node_key = next((n.key for n in self.desk.nodes() if n.id == m.node_id), None)
        keys: list[Key] = [(None, f) for f in _FORM_MEASURE_FIELDS]
        keys += [
            (fy, f)
            for fy in self.desk.plan.years
            for f in (F.PLAN_TEXT, F.RESULT_TEXT, F.STATUS, *series_fields(m))
        ]
        return {(fy, f): field_value(m, f, fy, node_key=node_key) for fy, f in keys}

    def _show_static(self, m: Measure) -> None:
        nodes = {n.id: n for n in self.desk.nodes()}
        chain, nid = [], m.node_id
        while nid is not None and nid in nodes:
            chain.append(nodes[nid].caption)
            nid = nodes[nid].parent_id
        self.path_label.setText("　＞　".join(reversed(chain)))
        movable = self.desk.can_edit(m, "node")
        self.path_label.setVisible(not movable)
        self.node_editor.setVisible(movable)
        self.number_label.setText(m.number_label)
        self.repeat_bar.setVisible(m.is_repeat)
        if m.is_repeat:
            self.repeat_label.setText(
                self.tr(
                    "この取組は No.%1 の再掲です。実施結果・達成状況は No.%1 で入力します。"
                ).replace("%1", str(m.repeat_of))
            )
        for w in self.numeric_widgets:
            w.setVisible(bool(m.indicators))
        # the secretariat defines them; a 【数値目標】 measure without any yet shows the way
        self.define_button.setVisible(
            (m.numeric or bool(m.indicators)) and self.desk.can_edit(m, "indicators")
        )
        self.indicator_rows.show_static(m)
        parts = sections(m.details)
        self.details_label.setVisible(bool(parts))
        self.details_label.setText(
            "\n\n".join(f"【{title}】\n" + "\n".join(lines) for title, lines in parts)
        )
        self._update_derived()

    def _update_derived(self) -> None:
        """Each indicator's judgement from the values on screen, and per year the judgement of
        them all beside the chosen 計画達成状況, with a warning where the two disagree."""
        m = self.measure
        if m is None or not m.indicators:
            return
        typed = self.indicator_rows.typed(m, lambda k: self.editors[k].value())
        self.indicator_rows.show_verdicts(typed)
        for fy, lab in self.derived_labels.items():
            if typed is None:
                lab.setText(self.tr("数値を確認してください"))
                restyle(lab, "")
                continue
            j = of_measure(typed, fy)
            assert j is not None
            chosen = Status(str(self.editors[(fy, F.STATUS)].value() or ""))
            if disagrees(j, chosen):
                lab.setText(
                    self.tr("⚠ 数値では「%1」（選択は「%2」）")
                    .replace("%1", j.label)
                    .replace("%2", chosen.label)
                )
                restyle(lab, WARNING_STYLE)
                lab.setToolTip(j.reason)
            else:
                lab.setText(j.label)
                restyle(lab, "")
                lab.setToolTip(j.reason)

    def define_indicators(self) -> None:
        """The secretariat's 指標の定義 dialog; what it returns is saved as one change."""
        m = self.measure
        if m is None:
            return
        self.commit()  # values typed so far are saved first, under the definitions they meant
        dlg = IndicatorDialog(self.desk.measure(m.id), self.desk.plan.years, self)
        if dlg.exec() != IndicatorDialog.DialogCode.Accepted:
            return
        try:
            result = self.desk.save(m.id, {(None, "indicators"): dlg.result_definitions})
        except DeskError as exc:
            self._report(exc.message)
            return
        self.load(m.id)
        self.saved.emit(result)

    def _open_repeated(self) -> None:
        if self.measure and self.measure.repeat_of:
            for r in self.desk.rows(all_departments=True):
                if r.number == self.measure.repeat_of:
                    self.open_measure.emit(r.id)
                    return

    # ---- editing ------------------------------------------------------------
    def dirty(self) -> dict[Key, object]:
        out = {}
        for key, editor in self.editors.items():
            v = editor.value()
            if _numeric(key[1]):
                same = format_number(self._loaded[key]) == str(v).strip()  # type: ignore[arg-type]
            else:
                same = v == self._loaded[key]
            if not same:
                out[key] = v
        return out

    def _on_edited(self, key: Key) -> None:
        if self.editors[key].text_like:
            self._draft_timer.start()
        if _numeric(key[1]) or key[1] == F.STATUS:
            self._update_derived()

    def _on_committed(self) -> None:
        self.commit()

    def write_drafts(self) -> bool:
        """The drafts mirror the text fields: a draft for each field that differs from what
        is saved, and none for a field typed back (or cleared) to it — a refused value the
        person cleared does not come back at the next start.

        False when they could not be written (the shared server is away: drafts are kept
        there too): said once, the text stays on screen only (`unkept`) until a later save
        or draft succeeds. Never raises DeskError: it runs from a timer and from closing."""
        if self.measure is None:
            self._unkept = None
            return True
        dirty = {k for k in self.dirty() if self.editors[k].text_like}
        try:
            for key in dirty:
                self.desk.put_draft(self.measure.id, key[0], key[1], self.editors[key].raw_text())
            stale = [k for k in self._drafted - dirty if k in self.editors]
            if stale:
                self.desk.drop_drafts(self.measure.id, stale)
        except DeskError as exc:
            self._drafted |= dirty  # some may be written: dropped once typed back
            self._unkept = exc.message if dirty else None
            self._report(exc.message)
            return False
        self._drafted = dirty
        self._unkept = None
        return True

    def unkept(self) -> str | None:
        """Why text typed here is neither saved nor a draft (closing now would lose it);
        None when nothing is at risk."""
        if self._unkept is None or self.measure is None or not self.dirty():
            return None
        return self._unkept

    def commit(self) -> SaveResult | None:
        """Save every changed field now. A field whose value is refused keeps its text on
        screen (tinted, with the reason) and as a draft; the other fields are saved."""
        self._draft_timer.stop()
        if self.measure is None or self._asking:
            # the conflict question takes the focus from the editor, whose focus-out would
            # save again from inside the question
            return None
        edits = self.dirty()
        bad: dict[Key, str] = {}
        for key, v in edits.items():
            try:
                validate(key[1], v, unit=unit_of(self.measure, key[1]))
            except DeskError as exc:
                bad[key] = exc.message
        for key, editor in self.editors.items():
            editor.mark_invalid(bad.get(key))  # in place: no box on every focus change
        new_refusals = {k: m for k, m in bad.items() if self._refusals.get(k) != m}
        self._refusals = bad
        good = {k: v for k, v in edits.items() if k not in bad}
        result = None
        if good:
            try:
                result = self._save_from_seen(good)
            except DeskError as exc:
                self.write_drafts()
                self._report(exc.message)
                return None
            self.measure = self.desk.measure(self.measure.id)
            self._loaded = self._values(self.measure)
            self._drafted -= set(good)  # the save dropped their drafts
            for key in good:
                self.editors[key].forget_steps()  # from now on the window's undo has them
            if result is not None:
                self.saved.emit(result)
        self.write_drafts()  # a refused text stays as a draft; a cleared one is dropped
        if new_refusals:  # said once in the status bar; the field says it as long as it holds
            self.refused.emit(next(iter(new_refusals.values())))
        if not bad:
            self._last_report = None
        return result

    def _save_from_seen(self, good: dict[Key, object]) -> SaveResult | None:
        """Save what was typed over what this form showed (its `measure`): a field someone
        else saved meanwhile asks the person which value to keep (ui/save_conflict)."""
        assert self.measure is not None
        try:
            return self.desk.save(self.measure.id, good, base=self.measure)
        except ConflictError as exc:
            key: Key = (exc.data.get("fy"), str(exc.data.get("field")))  # type: ignore[assignment]
            self._asking = True
            try:
                choice = save_conflict.ask(self, exc) if key in good else None
            finally:
                self._asking = False
            if choice is None:
                raise
            fresh = self.desk.measure(self.measure.id)
            result = None
            if choice == save_conflict.MINE:  # over the other's value, knowingly
                result = self.desk.save(self.measure.id, {key: good[key]}, base=fresh)
            else:
                self.editors[key].set_value(self._values(fresh)[key])
                self.desk.drop_drafts(self.measure.id, [key])
            rest = {k: v for k, v in good.items() if k != key}
            if rest:  # the other fields still over what the person saw
                result = self._save_from_seen(rest) or result
            return result

    def release(self) -> None:
        """This form is being replaced (another plan): what it held is saved or a draft
        already; a focus-out while it is torn down must not save into the next plan."""
        self._draft_timer.stop()
        self.measure = None

    def undo_typing(self, redo: bool = False) -> bool:
        """Undo (redo) one typing step of the focused editor; False when it has none left
        (or the focus is not in one of this form's editors)."""
        focused = QApplication.focusWidget()
        for editor in self.editors.values():
            if focused is not None and editor.focus_widget() is focused:
                return editor.undo_step(redo)
        return False

    def _report(self, message: str) -> None:
        """Say why once; the same refusal again (another Tab, another save) only repeats
        in the status bar, not as a new box."""
        key = (self.measure.id if self.measure else None, message)
        if key == self._last_report:
            self.refused_again.emit(message)
            return
        self._last_report = key
        self.failed.emit(message)


def _numeric(field: str) -> bool:
    return field in (F.TARGET, F.ACTUAL) or F.split_series(field) is not None
