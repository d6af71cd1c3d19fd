"""Search box and filters (担当課, 年度, 計画達成状況) above the plan tree."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QWidget

from ..domain.filtering import MeasureFilter
from ..domain.fiscal import long_label
from ..domain.status import STATUS_LABELS, Status

TYPING_PAUSE_MS = 200  # filter once typing pauses, not on every keystroke


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
        self.status.currentIndexChanged.connect(self.changed)
        form.addRow(self.tr("達成状況"), self.status)

    def flush(self) -> None:
        """Filter now for text typed within the pause (Enter, tests)."""
        if self._typing.isActive():
            self._typing.stop()
            self.changed.emit()

    def current(self) -> MeasureFilter:
        status = self.status.currentData()
        return MeasureFilter(
            text=self.search.text().strip(),
            department=self.department.currentData(),
            fy=self.year.currentData(),
            status=Status(status) if status is not None else None,
        )
