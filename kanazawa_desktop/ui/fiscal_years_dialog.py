"""取組 → 年度の締切と再開… (the secretariat's window; services/fiscal_years.py).

One row per fiscal year of the plan on screen: 受付中 or 締切済み (when, by whom), 今年度 marked.
「締め切る…」 / 「再開する…」 act on the chosen year after saying what it means; the form and
every view follow through the window's Changes (a closed year's boxes turn read-only).
"""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from ..domain.fiscal import era_date, long_label
from ..services import fiscal_years as FY
from .operations import run_op

COLUMNS = ("年度", "状態", "締切日", "締切者")


def install(window, menu) -> QAction:
    act = QAction(window.tr("年度の締切と再開…"), window)
    act.setObjectName("actFiscalYears")
    act.triggered.connect(lambda: show(window))
    menu.addAction(act)
    return act


def show(window) -> FiscalYearsDialog:
    dlg = FiscalYearsDialog(window)
    window.fiscal_years_dialog = dlg
    dlg.open()
    return dlg


class FiscalYearsDialog(QDialog):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window_ = window
        self.setObjectName("fiscalYearsDialog")
        self.setWindowTitle(self.tr("年度の締切と再開"))
        self.resize(560, 320)
        lay = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "締め切った年度の実施計画・実施結果・計画達成状況・実績値は、画面でも、"
                "Excelの取込でも変更できなくなります。再開すれば元に戻せます。"
            )
        )
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("fiscalYears")
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        lay.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.close_button = QPushButton(self.tr("締め切る…"))
        self.close_button.setObjectName("closeYear")
        self.close_button.clicked.connect(lambda: self._act("close"))
        self.open_button = QPushButton(self.tr("再開する…"))
        self.open_button.setObjectName("openYear")
        self.open_button.clicked.connect(lambda: self._act("open"))
        row.addWidget(self.close_button)
        row.addWidget(self.open_button)
        row.addStretch(1)
        lay.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("閉じる"))
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.refresh()

    @property
    def desk(self):
        return self.window_.desk

    def refresh(self) -> None:
        chosen = self.chosen()
        self.states = FY.year_states(self.desk)
        now = FY.current_year(self.desk.plan)
        self.table.setRowCount(len(self.states))
        for r, st in enumerate(self.states):
            c = st.closed
            cells = (
                long_label(st.fy) + (self.tr("（今年度）") if st.fy == now else ""),
                self.tr("締切済み") if c else self.tr("受付中"),
                era_date(c.at) if c else "",
                c.user if c else "",
            )
            for col, text in enumerate(cells):
                self.table.setItem(r, col, QTableWidgetItem(text))
        fys = [s.fy for s in self.states]
        self.table.selectRow(fys.index(chosen) if chosen in fys else fys.index(now))
        self._update_buttons()

    def chosen(self) -> int | None:
        rows = self.table.selectionModel().selectedRows() if self.table.rowCount() else []
        return self.states[rows[0].row()].fy if rows else None

    def _update_buttons(self) -> None:
        fy = self.chosen()
        closed = fy is not None and any(s.fy == fy and s.closed for s in self.states)
        self.close_button.setEnabled(fy is not None and not closed)
        self.open_button.setEnabled(closed)

    def _act(self, action: str) -> None:
        fy = self.chosen()
        if fy is None:
            return
        name = long_label(fy)
        if action == "close":
            text = self.tr(
                "%1を締め切ります。\nこの年度の値は、画面でもExcelの取込でも変更できなくなります。"
            )
        else:
            text = self.tr("%1を再開します。\nこの年度の値を再び変更できるようになります。")
        asked = QMessageBox(
            QMessageBox.Icon.Question, self.windowTitle(), text.replace("%1", name), parent=self
        )
        asked.setObjectName("confirmYear")
        yes = asked.addButton(
            self.tr("締め切る") if action == "close" else self.tr("再開する"),
            QMessageBox.ButtonRole.AcceptRole,
        )
        asked.addButton(self.tr("キャンセル"), QMessageBox.ButtonRole.RejectRole)
        asked.exec()
        if asked.clickedButton() is not yes:
            return
        change = FY.close_year if action == "close" else FY.open_year
        run_op(self.window_, lambda desk: change(desk, fy, source="gui"))
        self.refresh()
