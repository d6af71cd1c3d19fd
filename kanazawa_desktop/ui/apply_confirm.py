"""「反映」 says what will happen before it happens: the files, their changes, and the conflicts
and open items (要修正: bad values not corrected) left open (not applied, kept as a worklist);
each file can be left out."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..services.exchange import FilePreview


def open_conflicts(pv: FilePreview, chosen: dict) -> int:
    """The file's conflicts no side was chosen for: they stay open, not applied."""
    return sum(1 for fm in pv.conflicts if fm.key not in chosen)


def open_items(pv: FilePreview, fixed: dict) -> int:
    """The file's open items no correction was typed for: they stay open, not applied."""
    return sum(1 for item in pv.open_items if item.key not in fixed)


class ApplyConfirmDialog(QDialog):
    """Checked files are applied; the summary line follows the check boxes."""

    def __init__(
        self,
        parent: QWidget,
        previews: list[FilePreview],
        resolutions: dict[Path, dict],
        corrections: dict[Path, dict] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("applyConfirm")
        self.setWindowTitle(self.tr("反映の確認"))
        self.resize(620, 360)
        self._previews = previews
        self._resolutions = resolutions
        self._corrections = corrections or {}
        self.files = QListWidget()
        self.files.setObjectName("applyFiles")
        for pv in previews:
            k = open_conflicts(pv, resolutions.get(pv.path, {}))
            bad = open_items(pv, self._corrections.get(pv.path, {}))
            text = f"{pv.name}　変更 {self._changes(pv)}件" + (
                f"、未解決の競合 {k}件（反映しません）" if k else ""
            )
            text += f"、要修正 {bad}件（反映しません）" if bad else ""
            item = QListWidgetItem(text)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            item.setData(Qt.ItemDataRole.UserRole, str(pv.path))
            self.files.addItem(item)
        self.summary = QLabel()
        self.summary.setObjectName("applySummary")
        self.summary.setWordWrap(True)
        note = QLabel(
            self.tr(
                "チェックを外したファイルは反映しません。未解決の競合と要修正（不正な値）は"
                "反映せず、あとで回収状況から解決できます。"
            )
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton(self.tr("反映する"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setObjectName("confirmApply")
        buttons.addButton(self.tr("やめる"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.files, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.files.itemChanged.connect(self._update)
        self._update()

    def _changes(self, pv: FilePreview) -> int:
        chosen = self._resolutions.get(pv.path, {})
        fixed = len(pv.open_items) - open_items(pv, self._corrections.get(pv.path, {}))
        return len(pv.changes) + sum(1 for fm in pv.conflicts if fm.key in chosen) + fixed

    def selected(self) -> list[FilePreview]:
        checked = {
            self.files.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.files.count())
            if self.files.item(i).checkState() == Qt.CheckState.Checked
        }
        return [pv for pv in self._previews if str(pv.path) in checked]

    def _update(self) -> None:
        chosen = self.selected()
        changes = sum(self._changes(pv) for pv in chosen)
        left = sum(open_conflicts(pv, self._resolutions.get(pv.path, {})) for pv in chosen)
        text = (
            self.tr("%1 件のファイルを反映します: 変更 %2 件")
            .replace("%1", str(len(chosen)))
            .replace("%2", str(changes))
        )
        if left:
            text += self.tr("、未解決の競合 %1 件は反映しません").replace("%1", str(left))
        bad = sum(open_items(pv, self._corrections.get(pv.path, {})) for pv in chosen)
        if bad:
            text += self.tr("、要修正 %1 件は反映せず未解決として残します").replace("%1", str(bad))
        self.summary.setText(text + "。")
        self.ok.setEnabled(bool(chosen))
