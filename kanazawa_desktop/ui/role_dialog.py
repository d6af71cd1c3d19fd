"""First start: whose PC is this? One of the plan's departments, or the secretariat.

Nothing is chosen when the dialog opens (a hurried click must not pick a department): 決定
stays disabled until 事務局 is chosen, or a department is picked or typed. Two lines say how
a collection round goes for a department.
"""

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
        round_ = QLabel(
            self.tr(
                "① 事務局から届いたブックを「ファイル」→「Excelを取り込む…」で取り込み、"
                "取組ごとに実績などを入力します。\n"
                "② 「ファイル」→「Excelに書き出し…」で書き出したブックを事務局へ送ります。"
            )
        )
        round_.setObjectName("howTheRoundWorks")
        round_.setWordWrap(True)
        round_.setStyleSheet("color: #37474f;")
        # margins as contents margins: a style sheet's margin is left out of the label's
        # height for its width, and the wrapped last line was cut off
        round_.setContentsMargins(0, 4, 0, 8)
        lay.addWidget(round_)
        self.as_department = QRadioButton(self.tr("担当課として使う"))
        self.as_department.setObjectName("asDepartment")
        lay.addWidget(self.as_department)
        self.department = QComboBox()
        self.department.setObjectName("department")
        self.department.addItems(departments)
        self.department.setCurrentIndex(-1)  # no department until the person picks one
        # typing part of a name (「人事」) narrows the 42 departments, Japanese input included
        self.department.setEditable(True)
        self.department.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = QCompleter(departments, self.department)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.department.setCompleter(completer)
        self.department.lineEdit().setPlaceholderText(self.tr("担当課を選ぶか、名前の一部を入力"))
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
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("決定"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("キャンセル"))
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        # picking or typing a department answers 「担当課として使う」 too
        self.department.currentTextChanged.connect(self._department_typed)
        self.as_department.toggled.connect(self._update_ok)
        self.as_secretariat.toggled.connect(self._update_ok)
        self._update_ok()

    def _department_typed(self, text: str) -> None:
        if text.strip() and not self.as_department.isChecked():
            self.as_department.setChecked(True)
        self.problem.clear()
        self._update_ok()

    def _update_ok(self) -> None:
        """決定 is enabled only once a role is chosen: 事務局, or a department named."""
        chosen = self.as_secretariat.isChecked() or (
            self.as_department.isChecked() and bool(self.department.currentText().strip())
        )
        self.ok.setEnabled(chosen)

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
