"""First start: whose PC is this? One of the plan's departments, or the secretariat."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
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
        intro = QLabel(
            self.tr(
                "このパソコンで入力する部署を選んでください。\n"
                "選んだ担当課の取組だけが表示されます（あとから「ファイル」メニューで変更できます）。"
            )
        )
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.as_department = QRadioButton(self.tr("担当課として使う"))
        self.as_department.setChecked(True)
        lay.addWidget(self.as_department)
        self.department = QComboBox()
        self.department.setObjectName("department")
        self.department.addItems(departments)
        # typing part of a name (「人事」) narrows the 42 departments, Japanese input included
        self.department.setEditable(True)
        self.department.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = QCompleter(departments, self.department)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.department.setCompleter(completer)
        self.known = list(departments)
        lay.addWidget(self.department)
        self.problem = QLabel()
        self.problem.setObjectName("problem")
        self.problem.setStyleSheet("color: #c62828;")
        lay.addWidget(self.problem)
        self.as_secretariat = QRadioButton(
            self.tr("事務局（行政経営プラン推進本部 事務局）として使う")
        )
        self.as_secretariat.setObjectName("secretariat")
        lay.addWidget(self.as_secretariat)
        self.as_secretariat.toggled.connect(lambda on: self.department.setEnabled(not on))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("決定"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("キャンセル"))
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def _check(self) -> None:
        name, secretariat = self.choice()
        if not secretariat and name not in self.known:
            self.problem.setText(
                self.tr("「%1」という担当課はありません。一覧から選んでください").replace(
                    "%1", name or ""
                )
            )
            self.department.setFocus()
            return
        self.accept()

    def choice(self) -> tuple[str | None, bool]:
        """(department, secretariat)."""
        if self.as_secretariat.isChecked():
            return None, True
        return self.department.currentText().strip(), False
