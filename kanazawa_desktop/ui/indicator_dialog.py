"""Secretariat: a measure's indicators, defined in one table (指標の定義).

One row per indicator: 指標名, 単位, which way is better, 基準値 and its year, and a target cell
per fiscal year typed as the plans write them (「70」「100以上」「10未満」「中核市平均以下」). An
indicator whose targets are not stated year by year (an end value after the plan, a change
against a base year, a sum, a target still to be set) shows them as the plan states them, not
editable here. OK checks every cell and says what is wrong in Japanese; nothing is saved until
all of it reads.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain.achievement import parse_number
from ..domain.fiscal import short_label
from ..domain.indicator import (
    Baseline,
    Better,
    Indicator,
    Target,
    editable_by_year,
    era_label,
    indicator_to_dict,
    number_text,
    parse_era_year,
    parse_year_cell,
    year_cell,
)
from ..domain.model import Measure

FIXED = ("番号", "指標名", "単位", "良い方向", "基準値", "基準年度")
COL_KEY, COL_NAME, COL_UNIT, COL_BETTER, COL_BASE, COL_BASE_YEAR = range(len(FIXED))
_BETTER = (("目標で決まる", None), ("増加が良い", Better.MORE), ("減少が良い", Better.LESS))
_READ_ONLY = QBrush(QColor("#eeeeee"))


class IndicatorDialog(QDialog):
    def __init__(
        self, measure: Measure, years: tuple[int, ...], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.measure, self.years = measure, years
        self.setWindowTitle(self.tr("指標の定義 — %1").replace("%1", measure.number_label))
        self.resize(980, 360)
        lay = QVBoxLayout(self)
        lay.addWidget(
            QLabel(
                self.tr(
                    "目標は年度ごとに「70」「100以上」「10未満」「中核市平均以下」のように入力します。"
                    "灰色の目標は年度ごとの数値でない目標（年度末までの値、基準年度比など）です。"
                )
            )
        )
        self.table = QTableWidget(0, len(FIXED) + len(years), self)
        self.table.setObjectName("indicatorTable")
        self.table.setHorizontalHeaderLabels(
            [self.tr(h) for h in FIXED] + [short_label(fy) for fy in years]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        lay.addWidget(self.table, 1)
        row_buttons = QHBoxLayout()
        self.add_button = QPushButton(self.tr("指標を追加"))
        self.add_button.clicked.connect(lambda: self._add_row(None))
        self.remove_button = QPushButton(self.tr("選んだ指標を削除"))
        self.remove_button.clicked.connect(self._remove_row)
        row_buttons.addWidget(self.add_button)
        row_buttons.addWidget(self.remove_button)
        row_buttons.addStretch(1)
        lay.addLayout(row_buttons)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("キャンセル"))
        buttons.accepted.connect(self._confirm)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self._originals: dict[str, Indicator] = {}
        for ind in measure.indicators:
            self._add_row(ind)
        self.table.resizeColumnsToContents()
        self.result_definitions: list[dict[str, object]] = []

    # ---- rows ---------------------------------------------------------------
    def _add_row(self, ind: Indicator | None) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        if ind is None:
            ind = Indicator(self._free_key(), "", "", owner_key=self.measure.key)
        else:
            self._originals[ind.key] = ind
        key = QTableWidgetItem(ind.key)
        key.setFlags(key.flags() & ~Qt.ItemFlag.ItemIsEditable)
        key.setBackground(_READ_ONLY)
        self.table.setItem(r, COL_KEY, key)
        self.table.setItem(r, COL_NAME, QTableWidgetItem(ind.name))
        self.table.setItem(r, COL_UNIT, QTableWidgetItem(ind.unit))
        better = QComboBox()
        for label, value in _BETTER:
            better.addItem(self.tr(label), value)
        better.setCurrentIndex(next(i for i, (_, v) in enumerate(_BETTER) if v == ind.better))
        self.table.setCellWidget(r, COL_BETTER, better)
        base = ind.baseline
        self.table.setItem(
            r, COL_BASE, QTableWidgetItem("" if base.value is None else number_text(base.value))
        )
        self.table.setItem(
            r, COL_BASE_YEAR, QTableWidgetItem("" if base.year is None else era_label(base.year))
        )
        by_year = editable_by_year(ind)
        for i, fy in enumerate(self.years):
            item = QTableWidgetItem(year_cell(ind, fy) if by_year else ind.target_text(fy))
            if not by_year:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                item.setBackground(_READ_ONLY)
                item.setToolTip(self.tr("年度ごとの数値でない目標です（ここでは変えません）"))
            self.table.setItem(r, len(FIXED) + i, item)

    def _free_key(self) -> str:
        taken = {self.table.item(r, COL_KEY).text() for r in range(self.table.rowCount() - 1)}
        taken |= {i.key for i in self.measure.indicators}
        n = 1
        while f"{self.measure.key}-{n}" in taken:
            n += 1
        return f"{self.measure.key}-{n}"

    def _remove_row(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        for r in rows:
            self.table.removeRow(r)

    # ---- reading ------------------------------------------------------------
    def _text(self, r: int, c: int) -> str:
        item = self.table.item(r, c)
        return item.text().strip() if item is not None else ""

    def definitions(self) -> list[dict[str, object]]:
        """The table as indicator definitions; ValueError with a Japanese reason, naming the
        row and column, for the first cell that does not read."""
        out = []
        for r in range(self.table.rowCount()):
            key = self._text(r, COL_KEY)
            where = f"{r + 1}行目（{key}）"
            name = self._text(r, COL_NAME)
            if not name:
                raise ValueError(f"{where}: 指標名を入力してください")
            original = self._originals.get(key)
            try:
                value = parse_number(self._text(r, COL_BASE))
            except ValueError:
                raise ValueError(f"{where}: 基準値は数値で入力してください") from None
            try:
                year = parse_era_year(self._text(r, COL_BASE_YEAR))
            except ValueError as exc:
                raise ValueError(f"{where}: {exc}") from None
            targets: tuple[Target, ...]
            if original is not None and not editable_by_year(original):
                targets = original.targets
            else:
                found = []
                for i, fy in enumerate(self.years):
                    try:
                        t = parse_year_cell(self._text(r, len(FIXED) + i), fy)
                    except ValueError as exc:
                        raise ValueError(f"{where} {short_label(fy)}: {exc}") from None
                    if t is not None:
                        found.append(t)
                targets = tuple(found)
            combo = self.table.cellWidget(r, COL_BETTER)
            assert isinstance(combo, QComboBox)
            base = original.baseline if original is not None else Baseline()
            fields = {
                "key": key,
                "name": name,
                "unit": self._text(r, COL_UNIT),
                "owner_key": self.measure.key,
                # Qt hands the StrEnum back as its plain string
                "better": Better(combo.currentData()) if combo.currentData() else None,
                "baseline": replace(base, value=value, year=year),
                "targets": targets,
            }
            try:
                ind = (
                    replace(original, **fields)  # type: ignore[arg-type]
                    if original is not None
                    else Indicator(**fields)  # type: ignore[arg-type]
                )
            except ValueError:
                raise ValueError(
                    f"{where}: 数値の目標には「増加が良い」か「減少が良い」を選んでください"
                ) from None
            out.append(indicator_to_dict(ind))
        return out

    def _confirm(self) -> None:
        try:
            self.result_definitions = self.definitions()
        except ValueError as exc:
            QMessageBox.warning(self, self.tr("指標の定義"), str(exc))
            return
        self.accept()
