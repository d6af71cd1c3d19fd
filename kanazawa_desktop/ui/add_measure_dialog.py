"""Secretariat: add a new measure (name, place in the hierarchy, departments)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QMessageBox,
    QWidget,
)

from ..domain.model import Node
from .editors import NodeEditor


class AddMeasureDialog(QDialog):
    def __init__(
        self,
        nodes: list[Node],
        departments: list[str],
        current_node: str | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("取組を追加"))
        form = QFormLayout(self)
        self.name = QLineEdit()
        self.name.setObjectName("newName")
        form.addRow(self.tr("取組事項名"), self.name)
        self.node = NodeEditor(nodes)
        if current_node:
            self.node.set_value(current_node)
        form.addRow(self.tr("体系"), self.node)
        self.department = QComboBox()
        self.department.setObjectName("newDepartment")
        self.department.setEditable(True)  # a new department can be typed
        self.department.addItems(departments)
        self.department.setCurrentIndex(-1)  # chosen on purpose, never the list's first by default
        self.department.setEditText("")
        self.known = set(departments)
        form.addRow(self.tr("担当課（複数は「、」区切り）"), self.department)
        self.numeric = QCheckBox(self.tr("数値目標あり"))
        form.addRow("", self.numeric)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("追加"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("キャンセル"))
        buttons.accepted.connect(self._confirm)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.name.textChanged.connect(self._update_ok)
        self.department.editTextChanged.connect(self._update_ok)
        self._update_ok()

    def _update_ok(self) -> None:
        v = self.values()
        self.ok.setEnabled(bool(v["name"]) and bool(v["departments"]))

    def _confirm(self) -> None:
        """A department not in the list is most often a typo: ask before creating it."""
        new = [d for d in self.values()["departments"] if d not in self.known]
        if new:
            answer = QMessageBox.question(
                self,
                self.tr("新しい担当課"),
                self.tr(
                    "「%1」は今の担当課の一覧にありません。新しい担当課として追加しますか？"
                ).replace("%1", "、".join(new)),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.accept()

    def values(self) -> dict:
        text = self.department.currentText().replace(",", "、").replace("，", "、")
        return {
            "name": self.name.text().strip(),
            "node_key": self.node.value(),
            "departments": [" ".join(d.split()) for d in text.split("、") if d.strip()],
            "numeric": self.numeric.isChecked(),
        }
