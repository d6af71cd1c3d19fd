"""Which measures to print: この取組 / 担当課の取組 / すべての取組 / 取組事項一覧のみ.

`values()` returns the keyword arguments of services.printing.build_job, and `label()` a
short name for the file. A department PC offers its own department; the secretariat
picks one from the list (the current measure's department first).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ..domain.model import Measure


class PrintScopeDialog(QDialog):
    def __init__(
        self,
        title: str,
        current: Measure | None,
        departments: list[str],
        own_department: str | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("printScope")
        self.setWindowTitle(title)
        self.current = current
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(self.tr("印刷する範囲を選んでください。")))
        self.group = QButtonGroup(self)
        name = f"{current.number_label} {current.name}" if current else ""
        self.scope_current = self._radio(
            "scope_current", self.tr("この取組（%1）").replace("%1", name)
        )
        self.scope_current.setEnabled(current is not None)
        self.scope_department = self._radio("scope_department", self.tr("担当課の取組"))
        self.department = QComboBox()
        self.department.setObjectName("department")
        if own_department:
            self.department.addItem(own_department)
        else:
            first = [d for d in (current.departments if current else ()) if d in departments]
            self.department.addItems(first + [d for d in departments if d not in first])
        lay.addWidget(self.scope_department)
        lay.addWidget(self.department)
        self.scope_all = self._radio("scope_all", self.tr("すべての取組"))
        lay.addWidget(self.scope_all)
        self.scope_list = self._radio("scope_list", self.tr("取組事項一覧のみ"))
        lay.addWidget(self.scope_list)
        lay.insertWidget(1, self.scope_current)
        self.with_list = QCheckBox(self.tr("取組事項一覧を先頭に付ける"))
        self.with_list.setObjectName("with_list")
        lay.addWidget(self.with_list)
        (self.scope_current if current is not None else self.scope_all).setChecked(True)
        self.group.buttonToggled.connect(self._sync)
        self._sync()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("次へ"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("キャンセル"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def _radio(self, name: str, text: str) -> QRadioButton:
        button = QRadioButton(text)
        button.setObjectName(name)
        self.group.addButton(button)
        return button

    def _sync(self, *_: object) -> None:
        self.department.setEnabled(self.scope_department.isChecked())
        self.with_list.setEnabled(not self.scope_list.isChecked())

    def values(self) -> dict:
        """Keyword arguments for services.printing.build_job."""
        listing = self.with_list.isChecked()
        if self.scope_current.isChecked() and self.current is not None:
            return {"measure_ids": [self.current.id], "listing": listing}
        if self.scope_department.isChecked():
            return {"department": self.department.currentText(), "listing": listing}
        if self.scope_list.isChecked():
            return {"sheets": False, "listing": True}
        return {"listing": listing}

    def label(self) -> str:
        """A short name for the output file."""
        if self.scope_current.isChecked() and self.current is not None:
            return self.current.number_label.replace(".", "")
        if self.scope_department.isChecked():
            return self.department.currentText()
        if self.scope_list.isChecked():
            return "取組事項一覧"
        return "全取組"
