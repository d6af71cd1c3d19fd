"""The import dialog: many returned workbooks → per-file preview → settle conflicts → apply → undo.

Files come from a file dialog or by drag and drop. 「確認」 previews every file in the
background (services.exchange.preview_import: nothing is written). Selecting a file shows
its rows: 反映 (what changes, old → new), 競合 (with a per-field choice: keep the
master's value or take the file's), 要修正 (open items: a value that broke its field's rule,
tinted, with the reason and a cell to type a correction in, checked like a save as it is
left), 取込不可 (refusals with their reasons) and 注意.
「反映」 applies every file that can be applied, one undoable batch per file, with the
choices and corrections made (an open item left uncorrected stays open in the worklist), through services.exchange.run.apply_files (the same policy as the `import`
command); conflicts left 未解決 stay unapplied. 「取り消す」 undoes the selected file's
applied import as a whole (refused with the reason when later changes touched it).
The dialog owns no data: it renders FilePreview objects and calls the services.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain.display import format_value
from ..domain.errors import DeskError, InvalidValue
from ..domain.merge import FieldMerge
from ..services.exchange import (
    TAKE_FILE,
    TAKE_MASTER,
    ApplyResult,
    FilePreview,
    preview_import,
    undo_import,
)
from ..services.exchange.run import APPLIED, REVIEW, FileOutcome, ToApply, apply_files
from ..services.exchange.validate import OpenItem, corrected
from . import file_dialogs
from .messages import notify
from .tasks import run_task

CHOICES = (("未解決", None), ("一覧の値を維持", TAKE_MASTER), ("ファイルの値を採用", TAKE_FILE))
COLUMNS = ("区分", "項目", "現在の値", "ファイルの値", "解決")
OPEN_ITEM = "要修正"
OPEN_ITEM_TINT = QColor("#fde2c4")  # 要修正 rows: apart from changes and conflicts at a glance
BAD_CORRECTION = "background: #f8c8c8;"


CELL_CHARS, CELL_LINES = 120, 4


def elided(text: str) -> str:
    """The start of a long value for a table cell, saying how long the whole is."""
    lines = text.split("\n")
    if len(text) <= CELL_CHARS and len(lines) <= CELL_LINES:
        return text
    start = "\n".join(lines[:CELL_LINES])[:CELL_CHARS]
    return f"{start}…（全{len(text):,}字・下に全文）"


def show_value(value: object, field: str = "", names: dict[str, str] | None = None) -> str:
    return format_value(field, value, blank="（空欄）", node_names=names)


class ImportDialog(QDialog):
    changed = Signal()  # an import was applied or undone

    def __init__(self, window: QWidget, desk) -> None:
        super().__init__(window)
        self.setObjectName("importDialog")
        self.desk = desk
        self.window_ = window
        self.paths: list[Path] = []
        self.previews: dict[Path, FilePreview] = {}
        self._last_run: list[FilePreview] = []  # the files the last 反映 was asked to apply
        self.resolutions: dict[Path, dict[tuple[str, int, str], str]] = {}
        # open items: the correction typed for each (kept only when it passes the rule)
        self.corrections: dict[Path, dict[tuple[str, int, str], str]] = {}
        self.applied: dict[Path, ApplyResult] = {}
        self.task = None
        self.setWindowTitle(self.tr("Excelを取り込む"))
        self.setAcceptDrops(True)
        self.resize(1100, 620)
        self._build()

    # ---- construction ------------------------------------------------------
    def _build(self) -> None:
        self.files = QListWidget()
        self.files.setObjectName("importFiles")
        self.files.currentRowChanged.connect(self._show_current)
        add = QPushButton(self.tr("ファイルを追加…"))
        add.setObjectName("addFiles")
        add.clicked.connect(self._choose_files)
        remove = QPushButton(self.tr("取り除く"))
        remove.clicked.connect(self._remove_current)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(QLabel(self.tr("取り込むブック（ここへドラッグ＆ドロップできます）")))
        ll.addWidget(self.files, 1)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        ll.addLayout(row)

        self.summary = QLabel(
            self.tr("ファイルを追加して「確認」を押してください。確認だけでは何も変更されません。")
        )
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("importRows")
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        hh = self.table.horizontalHeader()
        # 項目 shares the width: an open item's reason wraps instead of squeezing the values
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(4, QHeaderView.ResizeMode.Fixed)
        hh.resizeSection(4, 170)
        # a long value (a 3,000-character 実施結果) is cut in its cell and shown whole here
        self.detail = QPlainTextEdit()
        self.detail.setObjectName("importDetail")
        self.detail.setReadOnly(True)
        self.detail.setMaximumHeight(160)
        self.detail.hide()
        self.table.currentCellChanged.connect(lambda r, _c, _pr, _pc: self._show_detail(r))
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.summary)
        rl.addWidget(self.table, 1)
        rl.addWidget(self.detail)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([300, 800])

        self.preview_button = QPushButton(self.tr("確認（プレビュー）"))
        self.preview_button.setObjectName("previewImport")
        self.preview_button.clicked.connect(self.preview)
        self.apply_button = QPushButton(self.tr("反映"))
        self.apply_button.setObjectName("applyImport")
        self.apply_button.clicked.connect(self.apply)
        self.undo_button = QPushButton(self.tr("この取込を取り消す"))
        self.undo_button.setObjectName("undoImport")
        self.undo_button.clicked.connect(self.undo)
        close = QPushButton(self.tr("閉じる"))
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(self.undo_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    # ---- files ----------------------------------------------------------------
    def add_files(self, paths: list[Path]) -> None:
        for p in paths:
            p = Path(p)
            if p not in self.paths:
                self.paths.append(p)
                self.files.addItem(QListWidgetItem(p.name))
        self.files.setCurrentRow(len(self.paths) - 1)
        self._update_buttons()

    def _choose_files(self) -> None:
        settings = file_dialogs.settings_of(self)
        caption = self.tr("取り込むブックを選択")
        self.add_files(
            file_dialogs.open_files(
                self, settings, file_dialogs.WORKBOOK, caption, file_dialogs.XLSX
            )
        )

    def _remove_current(self) -> None:
        row = self.files.currentRow()
        if row < 0:
            return
        path = self.paths.pop(row)
        self.previews.pop(path, None)
        self.files.takeItem(row)
        self._show_current(self.files.currentRow())

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt API
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt API
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        self.add_files([p for p in paths if p.is_file()])
        event.acceptProposedAction()

    # ---- preview ------------------------------------------------------------------
    def preview(self) -> None:
        if not self.paths:
            return
        paths = list(self.paths)
        self.task = run_task(
            self,
            self.tr("取込の確認中…"),
            lambda progress: preview_import(self.desk, paths, progress=progress),
            self._previewed,
        )

    def _previewed(self, previews: list[FilePreview]) -> None:
        self.previews = {pv.path: pv for pv in previews}
        self.resolutions = {pv.path: {} for pv in previews}
        self.corrections = {pv.path: {} for pv in previews}
        for i, path in enumerate(self.paths):
            pv = self.previews.get(path)
            if pv is not None:
                self.files.item(i).setText(self._file_label(pv))
        self._show_current(max(self.files.currentRow(), 0))

    def _file_label(self, pv: FilePreview) -> str:
        if pv.refused:
            return f"✕ {pv.name}（取込不可）"
        if pv.already is not None:
            return f"＝ {pv.name}（取込済み）"
        if pv.path in self.applied:
            return f"✓ {pv.name}（反映済み）"
        mark = "！" if pv.conflicts or pv.open_items else "○"
        items = f"・要修正 {len(pv.open_items)}" if pv.open_items else ""
        return f"{mark} {pv.name}（反映 {len(pv.changes)}・競合 {len(pv.conflicts)}{items}）"

    def _show_current(self, row: int) -> None:
        self.table.setRowCount(0)
        path = self.paths[row] if 0 <= row < len(self.paths) else None
        pv = self.previews.get(path) if path else None
        if pv is None:
            self.summary.setText(
                self.tr("「確認」を押すと、反映される内容・競合・取り込めない理由が表示されます。")
            )
            self._update_buttons()
            return
        text = pv.summary()
        if path in self.applied:
            text = self.applied[path].summary()
        self.summary.setText(text)
        for fm in pv.conflicts:
            kind = fm.decision.kind
            r = self._add_row(
                kind,
                pv.describe(fm),
                show_value(fm.master, fm.field, pv.node_names),
                show_value(fm.file, fm.field, pv.node_names),
            )
            self.table.setCellWidget(r, 4, self._choice(pv, fm))
        for item in pv.open_items:
            r = self._add_row(
                OPEN_ITEM,
                f"{pv.describe_item(item)}\n{item.message}",
                show_value(item.master, item.field),
                item.written or "（空欄）",
            )
            for c in range(4):
                self.table.item(r, c).setBackground(QBrush(OPEN_ITEM_TINT))
            self.table.setCellWidget(r, 4, self._correction(pv, item))
        for what, old, new in pv.additions():
            self._add_row("反映", what, show_value(old), show_value(new))
        for fm in pv.changes:
            self._add_row(
                "反映",
                pv.describe(fm),
                show_value(fm.master, fm.field, pv.node_names),
                show_value(fm.file, fm.field, pv.node_names),
            )
        for refusal in pv.refusals:
            self._add_row("取込不可", refusal.message, "", "")
        if pv.error:
            self._add_row("取込不可", pv.error, "", "")
        for note in pv.notes:
            self._add_row("注意", note, "", "")
        self.table.resizeRowsToContents()
        self._update_buttons()

    def _add_row(self, kind: str, what: str, master: str, file: str) -> int:
        r = self.table.rowCount()
        self.table.insertRow(r)
        for c, text in enumerate((self.tr(kind), what, master, file)):
            short = elided(text)
            item = QTableWidgetItem(short)
            item.setToolTip(short)
            item.setData(Qt.ItemDataRole.UserRole, text)  # whole, for the detail pane
            self.table.setItem(r, c, item)
        return r

    def _show_detail(self, row: int) -> None:
        """The selected row's values in full, below the table (a cell shows the start)."""
        cells = [self.table.item(row, c) for c in range(4)] if row >= 0 else []
        full = [c.data(Qt.ItemDataRole.UserRole) if c is not None else "" for c in cells]
        if len(full) < 4 or full[2:] == [elided(full[2]), elided(full[3])]:
            self.detail.hide()
            return
        self.detail.setPlainText(
            f"{full[1]}\n\n【事務局の値】\n{full[2]}\n\n【ブックの値】\n{full[3]}"
        )
        self.detail.show()

    def _choice(self, pv: FilePreview, fm: FieldMerge) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName("resolution")
        for label, value in CHOICES:
            combo.addItem(self.tr(label), value)
        current = self.resolutions.get(pv.path, {}).get(fm.key)
        combo.setCurrentIndex(next(i for i, (_l, v) in enumerate(CHOICES) if v == current))
        combo.setEnabled(pv.path not in self.applied)

        def chosen(index: int) -> None:
            value = combo.itemData(index)
            res = self.resolutions.setdefault(pv.path, {})
            if value is None:
                res.pop(fm.key, None)
            else:
                res[fm.key] = value

        combo.currentIndexChanged.connect(chosen)
        return combo

    def _correction(self, pv: FilePreview, item: OpenItem) -> QLineEdit:
        """The cell a correction is typed in: kept when it passes the rule of a save, else
        tinted with the reason; empty leaves the item open."""
        edit = QLineEdit(self.corrections.get(pv.path, {}).get(item.key, ""))
        edit.setObjectName("correction")
        edit.setPlaceholderText(self.tr("正しい値を入力"))
        edit.setToolTip(self.tr("空欄のままなら反映せず、未解決として残ります"))
        edit.setEnabled(pv.path not in self.applied)

        def check() -> None:
            text = edit.text().strip()
            fixes = self.corrections.setdefault(pv.path, {})
            fixes.pop(item.key, None)
            edit.setStyleSheet("")
            edit.setToolTip(self.tr("空欄のままなら反映せず、未解決として残ります"))
            if not text:
                return
            try:
                corrected(item, text)
            except InvalidValue as exc:
                edit.setStyleSheet(BAD_CORRECTION)
                edit.setToolTip(exc.message)
                self.summary.setText(
                    self.tr("%1 の修正値: %2")
                    .replace("%1", pv.describe_item(item))
                    .replace("%2", exc.message)
                )
                return
            fixes[item.key] = text

        edit.editingFinished.connect(check)
        return edit

    # ---- apply / undo -------------------------------------------------------------
    def _applicable(self) -> list[FilePreview]:
        return [
            pv
            for p in self.paths
            if (pv := self.previews.get(p)) is not None and pv.applicable and p not in self.applied
        ]

    def apply(self) -> None:
        from .apply_confirm import ApplyConfirmDialog

        todo = self._applicable()
        if not todo:
            return
        resolutions = {pv.path: dict(self.resolutions.get(pv.path, {})) for pv in todo}
        corrections = {pv.path: dict(self.corrections.get(pv.path, {})) for pv in todo}
        confirm = ApplyConfirmDialog(self, todo, resolutions, corrections)
        if confirm.exec() != QDialog.DialogCode.Accepted:
            return
        todo = confirm.selected()
        self._last_run = todo

        items = [ToApply(pv.path, pv, resolutions[pv.path], corrections[pv.path]) for pv in todo]
        self.task = run_task(
            self,
            self.tr("取込の反映中…"),
            lambda progress: apply_files(self.desk, items, progress=progress),
            self._applied,
            self._failed,
        )

    def _applied(self, outcomes: list[FileOutcome]) -> None:
        errors = []
        for o in outcomes:
            if o.state == APPLIED and o.result is not None:
                self.applied[o.path] = o.result
                if o.preview is not None:
                    self.previews[o.path] = o.preview  # previewed again during the run
            elif o.state == REVIEW and o.preview is not None:
                self.previews[o.path] = o.preview  # its new conflicts, to settle
                errors.append(o.error)
            elif o.error:
                errors.append(o.error)
        self._refresh_labels()
        if any(o.state == APPLIED for o in outcomes):
            self.changed.emit()
        if len(outcomes) < len(self._last_run):
            errors.append(self.tr("中止しました。反映済みのファイルはそのままです。"))
        if errors:
            notify(self, self.tr("取込"), "\n".join(errors))

    def undo(self) -> None:
        row = self.files.currentRow()
        path = self.paths[row] if 0 <= row < len(self.paths) else None
        result = self.applied.get(path) if path else None
        if result is None or result.batch_id is None:
            return
        batch = result.batch_id
        self.task = run_task(
            self,
            self.tr("取込の取り消し中…"),
            lambda progress: undo_import(self.desk, batch),
            lambda _changes: self._undone(path),
            self._failed,
        )

    def _undone(self, path: Path) -> None:
        self.applied.pop(path, None)
        pv = self.previews.pop(path, None)
        if pv is not None:
            self.summary.setText(
                self.tr(
                    "%1: 取込を取り消しました。もう一度取り込むには「確認」からやり直してください。"
                ).replace("%1", pv.name)
            )
        self._refresh_labels(keep_summary=True)
        self.changed.emit()

    def _failed(self, exc: DeskError) -> None:
        notify(self, self.tr("取込"), exc.message)
        self.summary.setText(exc.message)

    def _refresh_labels(self, keep_summary: bool = False) -> None:
        for i, path in enumerate(self.paths):
            pv = self.previews.get(path)
            self.files.item(i).setText(self._file_label(pv) if pv else path.name)
        if keep_summary:
            self.table.setRowCount(0)
            self._update_buttons()
        else:
            self._show_current(self.files.currentRow())

    def _update_buttons(self) -> None:
        row = self.files.currentRow()
        path = self.paths[row] if 0 <= row < len(self.paths) else None
        self.preview_button.setEnabled(bool(self.paths))
        self.apply_button.setEnabled(bool(self._applicable()))
        result = self.applied.get(path) if path else None
        self.undo_button.setEnabled(result is not None and result.batch_id is not None)
        self.table.setColumnHidden(
            4, not any(pv.conflicts or pv.open_items for pv in self.previews.values())
        )
