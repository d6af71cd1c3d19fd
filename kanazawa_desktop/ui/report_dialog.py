"""報告書を印刷…: which fiscal year the report is for, and whether the sheets go 2-up.

`values()` returns the keyword arguments of services.report.build_report_job (year,
two_up); the year list is the plan's years, the current fiscal year chosen.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ..domain.fiscal import long_label


class ReportDialog(QDialog):
    def __init__(
        self, plan_name: str, years: tuple[int, ...], current: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reportOptions")
        self.setWindowTitle(self.tr("報告書を印刷"))
        lay = QVBoxLayout(self)
        lay.addWidget(
            QLabel(
                self.tr(
                    "%1 の進捗報告書（表紙・目次・概要・指標の判定・管理票）をPDFに出力します。"
                ).replace("%1", plan_name)
            )
        )
        form = QFormLayout()
        self.year = QComboBox()
        self.year.setObjectName("reportYear")
        for fy in years:
            self.year.addItem(long_label(fy), fy)
        self.year.setCurrentIndex(years.index(current) if current in years else 0)
        form.addRow(self.tr("年度"), self.year)
        lay.addLayout(form)
        self.two_up = QCheckBox(self.tr("管理票を2枚ずつA4横1ページに印刷する（2アップ）"))
        self.two_up.setObjectName("twoUp")
        lay.addWidget(self.two_up)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def values(self) -> dict:
        return {"year": int(self.year.currentData()), "two_up": self.two_up.isChecked()}
