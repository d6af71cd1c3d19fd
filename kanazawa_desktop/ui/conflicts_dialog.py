"""「未解決の競合」: the conflicts imports left open, settled one at a time.

`ConflictsDialog(parent, desk, plan=None, department=None)` lists the open conflicts (every
plan, one plan, or one department's return in a plan), with the selected one's values whole
below the list. 「ブックの値にする」, 「事務局の値のままにする」 and 「値を入力…」 settle it through
services.exchange.conflicts.resolve (one undoable batch; a bad value is refused with its
reason and nothing changes); the list refreshes and `changed` tells the window and 回収状況.
An open item (種別 不正な値: a value of a return that broke its field's rule) is listed with
its reason; 「ブックの値にする」 is disabled for it (its text is no value). On a department PC (ファイル
→ 未解決の競合…: what a sync of the secretariat's workbook left open) the words are このPCの値 /
事務局のブックの値.

`confirm_undo_import(parent, desk, batch_id, done)` shows what an import changed and asks
before undoing it; where it cannot be undone it says why and offers nothing to confirm.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain.display import format_value
from ..domain.errors import DeskError
from .messages import notify

COLUMNS = (
    "ID",
    "種別",
    "計画",
    "担当課",
    "取組No.",
    "年度",
    "項目",
    "事務局の値",
    "ブックの値",
    "取込日時",
)
SHOWN = 40  # characters of a value in the list; the whole value is in the pane below


def _short(text: str) -> str:
    line = text.replace("\n", "⏎")
    return line if len(line) <= SHOWN else line[:SHOWN] + "…"


class ConflictsDialog(QDialog):
    changed = Signal()  # a conflict was settled

    def __init__(
        self, parent: QWidget, desk, plan: str | None = None, department: str | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("conflictsDialog")
        self.desk, self.plan, self.department = desk, plan, department
        title = self.tr("未解決の競合")
        if department:
            title += f" — {department}"
        self.setWindowTitle(title)
        self.resize(1000, 560)
        self.summary = QLabel()
        table = QTableWidget(0, len(COLUMNS))
        table.setObjectName("conflictsTable")
        role = desk.role
        # on a department PC the database's value is the department's own, and the workbook
        # the secretariat's master: the words say so
        own = role is not None and not role.is_secretariat
        words = {"事務局の値": "このPCの値", "ブックの値": "事務局のブックの値"} if own else {}
        table.setHorizontalHeaderLabels([self.tr(words.get(c, c)) for c in COLUMNS])
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.verticalHeader().hide()
        for column in (7, 8):  # the two values share the width
            table.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        table.currentCellChanged.connect(lambda *_: self._show_current())
        self.table = table
        self.detail = QPlainTextEdit()
        self.detail.setObjectName("conflictDetail")
        self.detail.setReadOnly(True)
        self.detail.setMaximumHeight(140)
        self.take_file = QPushButton(
            self.tr("事務局のブックの値にする") if own else self.tr("ブックの値にする")
        )
        self.take_file.setObjectName("takeFile")
        self.keep_master = QPushButton(
            self.tr("このPCの値のままにする") if own else self.tr("事務局の値のままにする")
        )
        self.keep_master.setObjectName("keepMaster")
        self.type_value = QPushButton(self.tr("値を入力…"))
        self.type_value.setObjectName("typeValue")
        self.take_file.clicked.connect(lambda: self.settle(take="file"))
        self.keep_master.clicked.connect(lambda: self.settle(take="master"))
        self.type_value.clicked.connect(self._ask_value)
        actions = QHBoxLayout()
        for b in (self.take_file, self.keep_master, self.type_value):
            actions.addWidget(b)
        actions.addStretch(1)
        buttons = QDialogButtonBox()
        buttons.addButton(self.tr("閉じる"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(table, 1)
        layout.addWidget(self.detail)
        layout.addLayout(actions)
        layout.addWidget(buttons)
        self.rows: list = []
        self.refresh()

    def refresh(self) -> None:
        from ..services.exchange import conflicts as C

        found = C.open_conflicts(self.desk, self.plan)
        if self.department is not None:
            found = [c for c in found if c.department == self.department]
        self.rows = C.rows(self.desk, found)
        table = self.table
        current = table.currentRow()
        table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            values = (
                str(row.id),
                row.kind,
                row.plan,
                row.record.department,
                row.number,
                row.year,
                row.item,
                _short(row.master),
                _short(row.file),
                row.imported_at,
            )
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                if c == 0:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if row.reason:
                    item.setToolTip(row.reason)
                table.setItem(r, c, item)
        table.setColumnHidden(2, self.plan is not None)
        table.setColumnHidden(3, self.department is not None)
        table.resizeColumnsToContents()
        if self.rows:
            table.setCurrentCell(min(max(current, 0), len(self.rows) - 1), 0)
        invalid = sum(1 for row in self.rows if row.record.invalid)
        self.summary.setText(
            self.tr("未解決の競合 %1件").replace("%1", str(len(self.rows)))
            + (self.tr("（うち不正な値 %1件）").replace("%1", str(invalid)) if invalid else "")
            if self.rows
            else self.tr("未解決の競合はありません")
        )
        self._show_current()

    def current(self):
        r = self.table.currentRow()
        return self.rows[r] if 0 <= r < len(self.rows) else None

    def _show_current(self) -> None:
        row = self.current()
        for b in (self.take_file, self.keep_master, self.type_value):
            b.setEnabled(row is not None)
        if row is None:
            self.detail.setPlainText("")
            return
        rec = row.record
        self.take_file.setEnabled(not rec.invalid)  # an invalid text is no value to take
        self.take_file.setToolTip(
            self.tr(
                "不正な値はブックの値にできません。値を入力するか、事務局の値のままにしてください"
            )
            if rec.invalid
            else ""
        )
        head = (
            f"{row.number} {row.year} {row.item}: 不正な値（{rec.department}、{rec.file_name}）\n"
            f"理由: {row.reason}"
            if rec.invalid
            else f"{rec.what}（{rec.department}、{rec.file_name}）"
        )
        self.detail.setPlainText(
            f"{head}\n【事務局の値】\n{row.master}\n【ブックの値】\n{row.file}"
        )

    def _ask_value(self) -> None:
        row = self.current()
        if row is None:
            return
        text, ok = QInputDialog.getMultiLineText(
            self,
            self.tr("値を入力"),
            self.tr("%1 の値").replace("%1", f"{row.number} {row.year} {row.item}"),
            row.file,
        )
        if ok:
            self.settle(value=text)

    def settle(self, *, take: str | None = None, value: str | None = None) -> bool:
        """Settle the selected conflict; False (and the reason shown) when refused."""
        from ..services.exchange import conflicts as C

        row = self.current()
        if row is None:
            return False
        try:
            C.resolve(self.desk, row.id, take=take, value=value)
        except DeskError as exc:
            notify(self, self.tr("未解決の競合"), exc.message)
            return False
        self.refresh()
        self.changed.emit()
        return True


def confirm_undo_import(
    parent: QWidget, desk, batch_id: int, done: Callable[[], None]
) -> QMessageBox:
    """Show what the import of `batch_id` changed and ask; undo it on 「取り消す」, then `done()`.
    Refused (later edits, a later return of the same department, …): the reason, no button
    to go on."""
    from ..services.exchange.apply import plan_undo_import, undo_import

    plan = plan_undo_import(desk, batch_id)
    lines = [
        f"・{what}: 「{_short(format_value(field, new))}」→ 元の「{_short(format_value(field, old))}」"
        for what, field, new, old in plan.changes[:20]
    ]
    if len(plan.changes) > 20:
        lines.append(f"ほか {len(plan.changes) - 20}件")
    title = parent.tr("この取込を取り消す")
    if plan.refusal:
        box = notify(parent, title, f"取込「{plan.file_name}」は取り消せません。\n{plan.refusal}")
        return box
    text = f"取込「{plan.file_name}」（変更 #{batch_id}）を取り消し、次の{len(plan.changes)}件を元に戻します。"
    box = QMessageBox(
        QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent
    )
    box.setObjectName("confirmUndoImport")
    box.setDetailedText("\n".join(lines))
    box.setInformativeText("\n".join(lines[:8]))
    go = box.addButton(parent.tr("取り消す"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(parent.tr("やめる"), QMessageBox.ButtonRole.RejectRole)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def finished() -> None:
        if box.clickedButton() is not go:
            return
        try:
            undo_import(desk, batch_id)
        except DeskError as exc:
            notify(parent, title, exc.message)
            return
        done()

    box.finished.connect(lambda _r: finished())
    box.open()
    return box
