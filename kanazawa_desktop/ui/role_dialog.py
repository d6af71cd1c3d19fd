"""First start: whose PC is this? One of the plan's departments, or the secretariat."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)


class RoleDialog(QDialog):
    def __init__(self, departments: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("利用する部署の設定"))
        self.setMinimumWidth(440)
        lay = QVBoxLayout(self)
        intro = QLabel(self.tr("このパソコンで入力する部署を選んでください。\n"
                               "選んだ担当課の取組だけが表示されます（あとから「ファイル」メニューで変更できます）。"))
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.as_department = QRadioButton(self.tr("担当課として使う"))
        self.as_department.setChecked(True)
        lay.addWidget(self.as_department)
        self.department = QComboBox()
        self.department.setObjectName("department")
        self.department.addItems(departments)
        self.department.setEditable(False)
        lay.addWidget(self.department)
        self.as_secretariat = QRadioButton(self.tr("事務局（行政経営プラン推進本部 事務局）として使う"))
        self.as_secretariat.setObjectName("secretariat")
        lay.addWidget(self.as_secretariat)
        self.as_secretariat.toggled.connect(lambda on: self.department.setEnabled(not on))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("決定"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("キャンセル"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def choice(self) -> tuple[str | None, bool]:
        """(department, secretariat)."""
        if self.as_secretariat.isChecked():
            return None, True
        return self.department.currentText(), False
