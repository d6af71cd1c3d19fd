"""「Excelに書き出し」 on the secretariat's PC: what to write, and the round's 回収期限.

`ExportDialog(window, desk)`: the master list or one workbook per department, and a
checkbox 「回収期限を設ける」 with a date (calendar popup, not before today). It offers again
the deadline last set for this plan while that day has not passed (services: last_deadline,
read from the export log: nothing else to remember). `values()` -> (per_department, deadline
or None).
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, QLocale
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
)

MASTER = "一覧表（全体）を1つのファイルに"
PER_DEPARTMENT = "担当課ごとのブックをフォルダーへ一括で"
DEFAULT_DAYS = 14  # a first round's suggested deadline: two weeks ahead


class ExportDialog(QDialog):
    def __init__(self, parent, desk, today: date | None = None) -> None:
        from ..services.exchange import last_deadline

        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle(self.tr("Excelに書き出し"))
        today = today or date.today()
        self.master = QRadioButton(self.tr(MASTER))
        self.master.setObjectName("exportMaster")
        self.per_department = QRadioButton(self.tr(PER_DEPARTMENT))
        self.per_department.setObjectName("exportPerDepartment")
        self.master.setChecked(True)
        self.has_deadline = QCheckBox(self.tr("回収期限を設ける"))
        self.has_deadline.setObjectName("deadlineCheck")
        self.deadline = QDateEdit()
        self.deadline.setObjectName("deadlineDate")
        self.deadline.setLocale(QLocale(QLocale.Language.Japanese, QLocale.Country.Japan))
        self.deadline.setCalendarPopup(True)
        self.deadline.setDisplayFormat("yyyy年M月d日（ddd）")
        self.deadline.setMinimumDate(_qdate(today))
        last = last_deadline(desk)
        offered = last if last is not None and last >= today else None
        self.deadline.setDate(_qdate(offered or today + timedelta(days=DEFAULT_DAYS)))
        self.has_deadline.setChecked(offered is not None)
        self.deadline.setEnabled(offered is not None)
        self.has_deadline.toggled.connect(self.deadline.setEnabled)
        note = QLabel(
            self.tr(
                "回収期限はブックの「記入のしかた」と印刷の見出しに書かれ、回収状況で期限切れの課が分かります。"
            )
        )
        note.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.has_deadline)
        row.addWidget(self.deadline, 1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("書き出す…"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("キャンセル"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("書き出す内容")))
        layout.addWidget(self.master)
        layout.addWidget(self.per_department)
        layout.addSpacing(8)
        layout.addLayout(row)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def values(self) -> tuple[bool, date | None]:
        """(one workbook per department?, the deadline or None)."""
        chosen = self.deadline.date()
        deadline = (
            date(chosen.year(), chosen.month(), chosen.day())
            if self.has_deadline.isChecked()
            else None
        )
        return self.per_department.isChecked(), deadline


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)
