"""The window's workbook exchange: 「Excelに書き出し…」, 「Excelを取り込む…」, 「回収状況」.

`install(window)` adds the three actions to `window.file_menu` where it is called (before
終了). Export on the secretariat's PC offers the master workbook or one workbook per
department into a folder in one step (file names carry the department); on a department's
PC it writes its own part. Long work runs through ui.tasks.run_task (progress, cancel, the
window never freezes). After an import is applied or undone the window's broadcast()
refreshes every view.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from ..domain.display import short_time
from .messages import notify
from .tasks import run_task

if TYPE_CHECKING:
    from ..services.exchange import DepartmentStatus
    from .import_dialog import ImportDialog

# The exchange services (openpyxl, the reader, the import dialog) are imported when an action
# runs, not with the window: importing them costs about half a second of the cold start.

MASTER = "一覧表（全体）を1つのファイルに"
PER_DEPARTMENT = "担当課ごとのブックをフォルダーへ一括で"


def install(window) -> None:
    menu = window.file_menu
    actions = []
    for text, slot, name in (
        (window.tr("Excelに書き出し…"), lambda: export_interactive(window), "actExport"),
        (window.tr("Excelを取り込む…"), lambda: open_import(window), "actImport"),
        (window.tr("回収状況"), lambda: open_status(window), "actStatus"),
    ):
        act = QAction(text, window)
        act.setObjectName(name)
        act.triggered.connect(slot)
        menu.addAction(act)
        actions.append(act)
    role = window.desk.role
    actions[2].setEnabled(bool(role and role.is_secretariat))
    window.exchange_actions = actions


def export_interactive(window) -> None:
    from ..services.exchange.export import department_file_name

    desk = window.desk
    role = desk.role
    if role is not None and role.is_secretariat:
        choice, ok = QInputDialog.getItem(
            window,
            window.tr("Excelに書き出し"),
            window.tr("書き出す内容"),
            [window.tr(MASTER), window.tr(PER_DEPARTMENT)],
            0,
            False,
        )
        if not ok:
            return
        if choice == window.tr(PER_DEPARTMENT):
            folder = QFileDialog.getExistingDirectory(window, window.tr("書き出すフォルダー"))
            if folder:
                export_per_department(window, Path(folder))
            return
        name = f"{desk.plan.name}_一覧表.xlsx"
    else:
        name = department_file_name(desk.plan.name, role.department if role else "")
    path, _ = QFileDialog.getSaveFileName(
        window, window.tr("Excelに書き出し"), name, window.tr("Excel ブック (*.xlsx)")
    )
    if path:
        export_one(window, Path(path if path.endswith(".xlsx") else path + ".xlsx"))


def export_one(window, path: Path):
    from ..services.exchange import export_workbook

    def done(result) -> None:
        window.statusBar().showMessage(
            window.tr("書き出しました: %1").replace("%1", str(result.path)), 8000
        )

    return run_task(
        window,
        window.tr("Excelに書き出し中…"),
        lambda progress: export_workbook(window.desk, path, progress=progress),
        done,
    )


def export_per_department(window, folder: Path):
    from ..services.exchange import export_departments

    def done(results) -> None:
        notify(
            window,
            window.tr("Excelに書き出し"),
            window.tr("%1 課分のブックを書き出しました: %2")
            .replace("%1", str(len(results)))
            .replace("%2", str(folder)),
            warning=False,
        )

    return run_task(
        window,
        window.tr("担当課ごとに書き出し中…"),
        lambda progress: export_departments(window.desk, folder, progress=progress),
        done,
    )


def open_import(window) -> ImportDialog:
    from .import_dialog import ImportDialog

    dlg = ImportDialog(window, window.desk)
    dlg.changed.connect(lambda: window.broadcast())
    dlg.open()
    return dlg


class StatusDialog(QDialog):
    """回収状況: one row per department, for the window's plan or (すべての計画) for every plan,
    each row then saying its plan. Double-click a department: its open conflicts
    (conflicts_dialog); 「未解決の競合…」 every one; 「この取込を取り消す…」 undoes the selected
    department's return after showing what it changed."""

    COLUMNS = ("計画", "担当課", "状況", "配布", "回収（取込）", "未解決の競合")
    ALL = "*"

    def __init__(self, window) -> None:
        super().__init__(window)
        self.setObjectName("collectionStatus")
        self.setWindowTitle(self.tr("回収状況"))
        self.resize(900, 560)
        self.desk = window.desk
        self.plan_box = QComboBox()
        self.plan_box.setObjectName("statusPlan")
        plans = self.desk.plans()
        for plan in plans:
            self.plan_box.addItem(plan.name, plan.code)
        if len(plans) > 1:
            self.plan_box.addItem(self.tr("すべての計画"), self.ALL)
        self.plan_box.setCurrentIndex(max(0, self.plan_box.findData(self.desk.plan.code)))
        self.plan_box.setVisible(len(plans) > 1)
        self.summary = QLabel()
        table = QTableWidget(0, len(self.COLUMNS))
        table.setObjectName("statusTable")
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setToolTip(self.tr("課をダブルクリックすると、その課の未解決の競合を表示します"))
        table.setHorizontalHeaderLabels([self.tr(c) for c in self.COLUMNS])
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table = table
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.plan_box)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
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
        buttons.addButton(self.tr("閉じる"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        self.conflicts_button.clicked.connect(lambda: self.open_conflicts())
        self.undo_button.clicked.connect(lambda: self.undo_import())
        layout.addWidget(buttons)
        self.window_ = window
        self.rows: list[tuple[str, str, DepartmentStatus]] = []
        table.cellDoubleClicked.connect(lambda row, _col: self.open_conflicts(row))
        table.currentCellChanged.connect(lambda *_: self._update_buttons())
        self.plan_box.currentIndexChanged.connect(self._fill)
        self._fill()

    # ---- the worklist: a department's open conflicts, undoing its return ------------
    def open_conflicts(self, row: int | None = None):
        """Double-click: that department's open conflicts; the button with no department
        row chosen: every open conflict of the plan shown (or of every plan)."""
        from .conflicts_dialog import ConflictsDialog

        code = self.plan_box.currentData()
        plan, department = (None if code == self.ALL else code), None
        if row is not None and 0 <= row < len(self.rows):
            plan, _name, s = self.rows[row]
            department = s.department
        dlg = ConflictsDialog(self, self.desk, plan, department)
        dlg.changed.connect(self._changed)
        dlg.open()
        return dlg

    def undo_import(self):
        from .conflicts_dialog import confirm_undo_import

        row = self.table.currentRow()
        if not 0 <= row < len(self.rows) or self.rows[row][2].returned_batch is None:
            return None
        return confirm_undo_import(self, self.desk, self.rows[row][2].returned_batch, self._changed)

    def _changed(self) -> None:
        self._fill()
        broadcast = getattr(self.window_, "broadcast", None)
        if broadcast is not None:
            broadcast()

    def _update_buttons(self) -> None:
        row = self.table.currentRow()
        s = self.rows[row][2] if 0 <= row < len(self.rows) else None
        self.undo_button.setEnabled(s is not None and s.returned_batch is not None)

    def _rows(self) -> list[tuple[str, str, DepartmentStatus]]:
        """(plan code, plan name, status) per department row."""
        from ..services.exchange import all_plans_status, collection_status

        code = self.plan_box.currentData()
        if code == self.ALL:
            return [(p.code, p.name, s) for p, rows in all_plans_status(self.desk) for s in rows]
        with self.desk.on_plan(code):
            return [(code, self.desk.plan.name, s) for s in collection_status(self.desk)]

    def _fill(self) -> None:
        current = self.table.currentRow()
        rows = self.rows = self._rows()
        table = self.table
        table.setRowCount(len(rows))
        for r, (_code, plan, s) in enumerate(rows):
            # an open item (不正な値) is counted with the conflicts and named as one
            conflicts = "、".join(
                f"不正な値 {c.what.split(': ', 1)[0]}" if c.invalid else c.what
                for c in s.open_conflicts
            )
            values = (
                plan,
                s.department,
                s.state,
                short_time(s.issued_at),
                short_time(s.returned_at),
                f"{len(s.open_conflicts)}件 {conflicts}" if s.open_conflicts else "",
            )
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setToolTip(text if c != 4 else s.returned_file)
                table.setItem(r, c, item)
        table.setColumnHidden(0, self.plan_box.currentData() != self.ALL)
        table.resizeColumnsToContents()
        if rows:
            table.setCurrentCell(min(max(current, 0), len(rows) - 1), 1)
        self._update_buttons()
        done = sum(1 for _, _, s in rows if s.returned_at)
        unit = "課・計画" if self.plan_box.currentData() == self.ALL else "課"
        self.summary.setText(
            self.tr("回収 %1 / %2 %3")
            .replace("%1", str(done))
            .replace("%2", str(len(rows)))
            .replace("%3", unit)
        )


def open_status(window) -> StatusDialog:
    dlg = StatusDialog(window)
    dlg.open()
    return dlg
