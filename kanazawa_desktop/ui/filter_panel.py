"""Search box and filters (担当課, 年度, 計画達成状況 or 未入力) above the plan tree, and one
button that clears them all.

未入力 lists the measures whose 実施結果 is still to write for the year chosen; with 全年度
it means the current fiscal year (the plan's last year once the plan is over, its first
before it starts).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QPushButton, QWidget

from ..domain.filtering import MeasureFilter
from ..domain.fiscal import current_fiscal_year, long_label
from ..domain.status import STATUS_LABELS, Status

TYPING_PAUSE_MS = 200  # filter once typing pauses, not on every keystroke
UNWRITTEN = "unwritten"  # the status drop-down's 未入力 (not a status: results to write)


class FilterPanel(QWidget):
    changed = Signal()

    def __init__(
        self, departments: list[str] | None, years: tuple[int, ...], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setContentsMargins(4, 4, 4, 4)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(self.tr("取組名・No.・本文で検索（Ctrl+F）"))
        self.search.setClearButtonEnabled(True)
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_PAUSE_MS)
        self._typing.timeout.connect(self.changed)
        self.search.textChanged.connect(self._typing.start)
        form.addRow(self.tr("検索"), self.search)
        self.department = QComboBox()
        self.department.addItem(self.tr("すべての担当課"), None)
        for name in departments or []:
            self.department.addItem(name, name)
        self.department.currentIndexChanged.connect(self.changed)
        if departments:
            form.addRow(self.tr("担当課"), self.department)
        else:
            self.department.hide()
        self.year = QComboBox()
        self.year.addItem(self.tr("全年度"), None)
        for fy in years:
            self.year.addItem(long_label(fy), fy)
        self.year.currentIndexChanged.connect(self.changed)
        form.addRow(self.tr("年度"), self.year)
        self.status = QComboBox()
        self.status.addItem(self.tr("すべての状況"), None)
        for label in STATUS_LABELS:
            self.status.addItem(label, Status.from_label(label).value)
        self.status.addItem(self.tr("未入力（実施結果）"), UNWRITTEN)
        self.status.setItemData(
            self.status.count() - 1,
            self.tr("選んだ年度（全年度なら今年度）の実施結果がまだ空欄の取組"),
            Qt.ItemDataRole.ToolTipRole,
        )
        self.status.currentIndexChanged.connect(self.changed)
        form.addRow(self.tr("達成状況"), self.status)
        self.years = years
        self.clear_all = QPushButton(self.tr("条件をすべて解除"))
        self.clear_all.setObjectName("clearFilters")
        self.clear_all.clicked.connect(self.clear)
        form.addRow(self.clear_all)
        self.changed.connect(self._update_clear)
        self._update_clear()

    def _update_clear(self) -> None:
        self.clear_all.setEnabled(
            bool(self.search.text().strip())
            or any(c.currentIndex() > 0 for c in (self.department, self.year, self.status))
        )

    def clear(self) -> None:
        """Every filter back to all, with one `changed` (one refresh, not four)."""
        self._typing.stop()
        for w in (self.search, self.department, self.year, self.status):
            w.blockSignals(True)
        self.search.clear()
        for c in (self.department, self.year, self.status):
            c.setCurrentIndex(0)
        for w in (self.search, self.department, self.year, self.status):
            w.blockSignals(False)
        self.changed.emit()

    def flush(self) -> None:
        """Filter now for text typed within the pause (Enter, tests)."""
        if self._typing.isActive():
            self._typing.stop()
            self.changed.emit()

    def current(self) -> MeasureFilter:
        status = self.status.currentData()
        fy = self.year.currentData()
        unwritten = status == UNWRITTEN
        return MeasureFilter(
            text=self.search.text().strip(),
            department=self.department.currentData(),
            fy=fy,
            status=Status(status) if status is not None and not unwritten else None,
            unwritten=(fy or current_fiscal_year(self.years)) if unwritten else None,
        )
