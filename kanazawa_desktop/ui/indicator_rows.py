"""The form's indicator table: under the R5–R8 grid, for each indicator of the measure its name,
unit and baseline, its target per year, the actual (and the outside figure 中核市平均 where a
target compares with one) as editors, and the judgement per year.

The rows go into the form's own grid, so the years line up with the columns above. They are
rebuilt only when the next measure's indicators have another shape (key, figure or not).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from ..domain import fields as F
from ..domain import judgement
from ..domain.errors import DeskError
from ..domain.judgement import Verdict
from ..domain.model import Measure
from ..domain.values import actual_field, validate
from .editors import FieldEditor, LineEditor, restyle

Key = tuple[int | None, str]
WARNING_STYLE = "color: #8a4b00; background: #fff3cd; border: 1px solid #e0b84c; padding: 2px;"
_VERDICT_STYLE = {
    Verdict.ACHIEVED: "color: #1e6b2e;",
    Verdict.NOT_ACHIEVED: "color: #a0262c;",
}


def _cell(text: str = "", *, caption: bool = False, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    if caption:
        label.setObjectName("caption")
    label.setWordWrap(wrap)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def shape(m: Measure | None) -> tuple[tuple[str, str], ...]:
    """The editors the rows need: (actual field, figure field or "") per indicator. Every
    measure with one indicator and no outside figure has the same shape, ("actual", ""): the
    rows are kept from one to the next, only their texts change."""
    if m is None:
        return ()
    return tuple(
        (
            actual_field(m, i.key),
            F.series_field(F.FIGURE, i.key) if i.figure_name else "",
        )
        for i in m.indicators
    )


class IndicatorRows:
    """Builds and refreshes the indicator rows of `grid` from row `first_row` on."""

    def __init__(
        self,
        grid: QGridLayout,
        first_row: int,
        years: tuple[int, ...],
        add_editor: Callable[[Key, FieldEditor, int, int], None],
        drop_editor: Callable[[Key], None],
    ) -> None:
        self.grid, self.first_row, self.years = grid, first_row, years
        self._add_editor, self._drop_editor = add_editor, drop_editor
        self.shape: tuple[tuple[str, str], ...] = ()
        self._widgets: list[QWidget] = []
        self.keys: list[Key] = []  # the editors' keys, in tab order
        # by the indicator's position (the rows outlive a measure of the same shape)
        self.targets: dict[tuple[int, int], QLabel] = {}
        self.verdicts: dict[tuple[int, int], QLabel] = {}
        self.captions: dict[int, QLabel] = {}
        self.value_captions: dict[int, QLabel] = {}
        self.editors: dict[int, list[FieldEditor]] = {}

    def build(self, m: Measure) -> bool:
        """Lay out `m`'s indicators; False when the rows there already have its shape."""
        if shape(m) == self.shape:
            return False
        for w in self._widgets:
            self.grid.removeWidget(w)
            w.deleteLater()
        for key in self.keys:
            self._drop_editor(key)
        self._widgets, self.keys = [], []
        self.targets, self.verdicts, self.captions = {}, {}, {}
        self.value_captions, self.editors = {}, {}
        self.shape = shape(m)
        r = self.first_row
        for pos, (actual, figure) in enumerate(self.shape):
            r = self._build_one(pos, actual, figure, r)
        return True

    def _put(self, w: QWidget, r: int, c: int, cs: int = 1) -> None:
        self.grid.addWidget(w, r, c, 1, cs)
        self._widgets.append(w)

    def _build_one(self, pos: int, actual: str, figure: str, r: int) -> int:
        head = _cell(caption=True)
        self.captions[pos] = head
        self._put(head, r, 0)
        for i, fy in enumerate(self.years):
            t = _cell()
            self.targets[(pos, fy)] = t
            self._put(t, r, 1 + i)
        rows = [actual, figure] if figure else [actual]
        self.editors[pos] = []
        for n, field in enumerate(rows):
            r += 1
            cap = _cell(caption=True)
            if n == 0:
                self.value_captions[pos] = cap
            else:
                self.value_captions[-pos - 1] = cap  # the outside figure's, named per measure
            self._put(cap, r, 0)
            for i, fy in enumerate(self.years):
                editor = LineEditor(numeric=True)
                self._add_editor((fy, field), editor, r, 1 + i)
                self.keys.append((fy, field))
                self.editors[pos].append(editor)
        r += 1
        self._put(_cell("判定", caption=True), r, 0)
        for i, fy in enumerate(self.years):
            v = _cell()
            self.verdicts[(pos, fy)] = v
            self._put(v, r, 1 + i)
        return r + 2  # a blank row between indicators

    def show_static(self, m: Measure) -> None:
        for pos, ind in enumerate(m.indicators):
            base = ind.baseline.describe(ind.unit)
            lines = [ind.name]
            if base:
                lines.append(f"基準値 {base}")
            head = self.captions[pos]
            head.setText("\n".join(lines))
            head.setToolTip(ind.note)
            self.value_captions[pos].setText(f"実績値（{ind.unit}）" if ind.unit else "実績値")
            if ind.figure_name:
                self.value_captions[-pos - 1].setText(ind.figure_name)
            for editor in self.editors[pos]:
                editor.setToolTip(ind.name)
            for fy in self.years:
                t = self.targets[(pos, fy)]
                t.setObjectName(f"target_{ind.key}_{fy}")
                text = ind.target_text(fy) or "なし"
                # 「目標は設定予定（…）」 says 目標 itself: not 「目標 目標は…」
                t.setText(text if text.startswith("目標") else f"目標 {text}")
                self.verdicts[(pos, fy)].setObjectName(f"verdict_{ind.key}_{fy}")

    def typed(self, m: Measure, value_of: Callable[[Key], object]) -> Measure | None:
        """`m` with the values on screen; None while one of them is not a number."""
        actuals: dict[str, dict[int, float]] = {}
        figures: dict[str, dict[int, float]] = {}
        for fy, field in self.keys:
            assert fy is not None
            try:
                kind, key = F.split_series(field) or (F.ACTUAL, m.indicators[0].key)
                unit = next(i.unit for i in m.indicators if i.key == key)
                v = validate(field, value_of((fy, field)), unit=unit)
            except (DeskError, StopIteration):
                return None
            if v is not None:
                table = actuals if kind == F.ACTUAL else figures
                table.setdefault(key, {})[fy] = float(v)  # type: ignore[arg-type]
        return replace(m, actuals=actuals, figures=figures)

    def show_verdicts(self, m: Measure | None) -> None:
        """The judgement of each indicator and year; "数値を確認" while one value is not a number."""
        for (pos, fy), label in self.verdicts.items():
            if m is None:
                label.setText("数値を確認")
                restyle(label, "")
                continue
            ind = m.indicators[pos]
            j = judgement.of_indicator(m, ind, fy)
            label.setText(j.label)
            label.setToolTip(j.reason)
            restyle(label, _VERDICT_STYLE.get(j.verdict, "color: #555;"))
