"""回収状況 as a worklist: who has what, who to chase, what is left to settle.

`StatusDialog(window)`: one row per department, for the window's plan or (すべての計画) for
every plan, each row then saying its plan. Columns sort by their value (click a header:
dates as dates, counts as numbers; status_model.py); a filter row すべて / 未回収 / 競合あり /
期限切れ, each with its count; overdue rows tinted and marked 「期限切れ」; the last column
stretches. Double-click a department: its open conflicts (conflicts_dialog); 「未解決の競合…」
every one; 「この取込を取り消す…」 undoes the selected department's return after showing what
it changed. 「督促リストを保存…」 writes the departments still to chase (未回収 or 期限切れ:
担当課, 計画, 配布日, 回収期限, 状況) as CSV in UTF-8 with a BOM (services: reminders.py);
「コピー」 puts the rows shown (as filtered and sorted) on the clipboard as a table (tab-separated
text and HTML, so Excel and a mail both paste a table). `ask_reminder_path` is the one step a
test replaces.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QMimeData, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QTableView,
    QVBoxLayout,
)

from ..domain.errors import DeskError
from . import file_dialogs
from .messages import notify
from .status_model import (
    ALL,
    COL_CONFLICTS,
    COL_DEPT,
    COL_PLAN,
    MODE_LABELS,
    MODES,
    StatusFilter,
    StatusModel,
    counts,
)

FILTER_NAMES = {
    "all": "statusFilterAll",
    "outstanding": "statusFilterOutstanding",
    "conflicts": "statusFilterConflicts",
    "overdue": "statusFilterOverdue",
}


class StatusDialog(QDialog):
    ALL_PLANS = "*"

    def __init__(self, window) -> None:
        super().__init__(window)
        self.setObjectName("collectionStatus")
        self.setWindowTitle(self.tr("回収状況"))
        self.resize(1000, 560)
        self.desk = window.desk
        self.window_ = window
        self.plan_box = QComboBox()
        self.plan_box.setObjectName("statusPlan")
        plans = self.desk.plans()
        for plan in plans:
            self.plan_box.addItem(plan.name, plan.code)
        if len(plans) > 1:
            self.plan_box.addItem(self.tr("すべての計画"), self.ALL_PLANS)
        self.plan_box.setCurrentIndex(max(0, self.plan_box.findData(self.desk.plan.code)))
        self.plan_box.setVisible(len(plans) > 1)
        self.summary = QLabel()
        self.summary.setObjectName("statusSummary")

        self.model = StatusModel(self)
        self.proxy = StatusFilter(self)
        self.proxy.setSourceModel(self.model)

        # the filter row: one choice at a time, each label with its count
        self.filters: dict[str, QRadioButton] = {}
        self.filter_group = QButtonGroup(self)
        filter_row = QHBoxLayout()
        filter_row.addWidget(QLabel(self.tr("表示:")))
        for mode in MODES:
            button = QRadioButton()
            button.setObjectName(FILTER_NAMES[mode])
            self.filter_group.addButton(button)
            self.filters[mode] = button
            filter_row.addWidget(button)
        filter_row.addStretch(1)
        self.filters[ALL].setChecked(True)
        for mode, button in self.filters.items():
            button.toggled.connect(lambda on, mode=mode: on and self.set_filter(mode))

        table = QTableView()
        table.setObjectName("statusTable")
        table.setModel(self.proxy)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setToolTip(
            self.tr(
                "見出しをクリックすると並べ替えます。課をダブルクリックすると、その課の未解決の競合を表示します"
            )
        )
        table.verticalHeader().hide()
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setStretchLastSection(True)  # 未解決の競合: the long column takes the rest
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # as listed until a click
        header.setSectionsClickable(True)
        table.setSortingEnabled(True)
        self.table = table

        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.plan_box)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filter_row)
        layout.addWidget(table, 1)
        buttons = QDialogButtonBox()
        self.conflicts_button = buttons.addButton(
            self.tr("未解決の競合…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.conflicts_button.setObjectName("showConflicts")
        self.undo_button = buttons.addButton(
            self.tr("この取込を取り消す…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.undo_button.setObjectName("undoStatusImport")
        self.remind_button = buttons.addButton(
            self.tr("督促リストを保存…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.remind_button.setObjectName("saveReminders")
        self.remind_button.setToolTip(
            self.tr("未回収・期限切れの課の一覧を CSV（Excel で開けます）に保存します")
        )
        self.copy_button = buttons.addButton(
            self.tr("コピー"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.copy_button.setObjectName("copyStatus")
        self.copy_button.setToolTip(self.tr("表示中の表をクリップボードにコピーします"))
        buttons.addButton(self.tr("閉じる"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        self.conflicts_button.clicked.connect(lambda: self.open_conflicts())
        self.undo_button.clicked.connect(lambda: self.undo_import())
        self.remind_button.clicked.connect(lambda: self.save_reminders())
        self.copy_button.clicked.connect(lambda: self.copy_table())
        layout.addWidget(buttons)
        self.blocks: list = []  # (Plan, [DepartmentStatus]) as last read: the reminder list
        table.doubleClicked.connect(lambda index: self.open_conflicts(self._source_row(index)))
        table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self.plan_box.currentIndexChanged.connect(self._fill)
        self._fill()

    # ---- rows -----------------------------------------------------------------------
    @property
    def rows(self) -> list:
        """(plan code, plan name, DepartmentStatus) per department, in the order read."""
        return self.model.rows()

    def _source_row(self, index: QModelIndex) -> int | None:
        return self.proxy.mapToSource(index).row() if index.isValid() else None

    def current_status(self):
        row = self._source_row(self.table.currentIndex())
        return None if row is None else self.model.status(row)

    def view_row(self, department: str, plan_code: str | None = None) -> int:
        """The view row of a department (as shown now: filtered, sorted); -1 if not shown."""
        for r in range(self.proxy.rowCount()):
            code, _name, s = self.model.rows()[self.proxy.mapToSource(self.proxy.index(r, 0)).row()]
            if s.department == department and plan_code in (None, code):
                return r
        return -1

    def cell(self, row: int, col: int) -> str:
        """The text of a view cell (as shown now)."""
        return str(self.proxy.index(row, col).data() or "")

    def set_filter(self, mode: str) -> None:
        if not self.filters[mode].isChecked():
            self.filters[mode].setChecked(True)  # toggled calls back here
            return
        self.proxy.set_mode(mode)
        self._update_buttons()

    # ---- the worklist: a department's open conflicts, undoing its return ------------
    def open_conflicts(self, row: int | None = None):
        """Double-click: that department's open conflicts (`row` of the rows read); the
        button: every open conflict of the plan shown (or of every plan)."""
        from .conflicts_dialog import ConflictsDialog

        code = self.plan_box.currentData()
        plan, department = (None if code == self.ALL_PLANS else code), None
        if row is not None and 0 <= row < len(self.rows):
            plan, _name, s = self.rows[row]
            department = s.department
        dlg = ConflictsDialog(self, self.desk, plan, department)
        dlg.changed.connect(self._changed)
        dlg.open()
        return dlg

    def undo_import(self):
        from .conflicts_dialog import confirm_undo_import

        s = self.current_status()
        if s is None or s.returned_batch is None:
            return None
        return confirm_undo_import(self, self.desk, s.returned_batch, self._changed)

    # ---- the reminder list and the clipboard ----------------------------------------
    def ask_reminder_path(self) -> Path | None:
        from datetime import date

        name = f"督促リスト_{date.today():%Y%m%d}.csv"
        return file_dialogs.save_file(
            self,
            file_dialogs.settings_of(self),
            file_dialogs.REPORT,
            self.tr("督促リストの保存先"),
            name,
            file_dialogs.CSV_FILES,
            "csv",
        )

    def save_reminders(self) -> Path | None:
        from ..services.exchange import reminder_rows, write_reminder_csv

        rows = reminder_rows(self.blocks)
        if not rows:
            notify(
                self,
                self.tr("督促リスト"),
                self.tr("督促する課（未回収・期限切れ）はありません"),
                warning=False,
            )
            return None
        path = self.ask_reminder_path()
        if path is None:
            return None
        try:
            out = write_reminder_csv(path, rows)
        except DeskError as exc:
            notify(self, self.tr("督促リスト"), exc.message)
            return None
        self.summary.setText(
            self.tr("督促リストを保存しました（%1件）: %2")
            .replace("%1", str(len(rows)))
            .replace("%2", str(out))
        )
        return out

    def copy_table(self) -> str:
        """The rows shown, with the visible columns' headers, onto the clipboard."""
        cols = [c for c in range(self.proxy.columnCount()) if not self.table.isColumnHidden(c)]
        header = [str(self.model.headerData(c, Qt.Orientation.Horizontal)) for c in cols]
        body = [[self.cell(r, c) for c in cols] for r in range(self.proxy.rowCount())]
        tsv = "\n".join("\t".join(x.replace("\t", " ") for x in line) for line in [header, *body])
        cells = "".join(f"<th>{html.escape(h)}</th>" for h in header)
        rows_html = "".join(
            "<tr>" + "".join(f"<td>{html.escape(x)}</td>" for x in line) + "</tr>" for line in body
        )
        mime = QMimeData()
        mime.setText(tsv + "\n")
        mime.setHtml(f"<table border='1'><tr>{cells}</tr>{rows_html}</table>")
        QApplication.clipboard().setMimeData(mime)
        return tsv

    # ---- refresh ------------------------------------------------------------------------
    def _changed(self) -> None:
        self._fill()
        broadcast = getattr(self.window_, "broadcast", None)
        if broadcast is not None:
            broadcast()

    def _update_buttons(self) -> None:
        s = self.current_status()
        self.undo_button.setEnabled(s is not None and s.returned_batch is not None)

    def _read(self) -> list:
        """(Plan, [DepartmentStatus]) for the plan chosen, or for every plan."""
        from ..services.exchange import all_plans_status, collection_status

        code = self.plan_box.currentData()
        if code == self.ALL_PLANS:
            return all_plans_status(self.desk)
        with self.desk.on_plan(code):
            return [(self.desk.plan, collection_status(self.desk))]

    def _fill(self) -> None:
        current = self.current_status()
        every = self.plan_box.currentData() == self.ALL_PLANS
        self.blocks = self._read()
        rows = [(p.code, p.name, s) for p, statuses in self.blocks for s in statuses]
        self.model.set_rows(rows)
        self.table.setColumnHidden(COL_PLAN, not every)
        for c in range(COL_CONFLICTS):
            self.table.resizeColumnToContents(c)
        n = counts(rows)
        for mode, button in self.filters.items():
            button.setText(f"{self.tr(MODE_LABELS[mode])}（{n[mode]}）")
        if self.proxy.rowCount():
            want = self.view_row(current.department) if current is not None else -1
            self.table.setCurrentIndex(self.proxy.index(max(want, 0), COL_DEPT))
        self._update_buttons()
        done = sum(1 for _, _, s in rows if s.returned_at)
        unit = "課・計画" if every else "課"
        overdue = n["overdue"]
        self.summary.setText(
            self.tr("回収 %1 / %2 %3")
            .replace("%1", str(done))
            .replace("%2", str(len(rows)))
            .replace("%3", unit)
            + (self.tr("　期限切れ %1").replace("%1", str(overdue)) if overdue else "")
        )
