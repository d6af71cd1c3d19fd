"""「他の人が先に保存しました」: a field someone else saved while this person was typing.

Shown by the form when a save meets a ConflictError (services.desk.save with the form's
`base`): both values side by side, and the person chooses. Nothing is overwritten without
that choice; Escape keeps their text on screen (and as a draft) without saving it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from ..domain import fields as F
from ..domain.display import format_value
from ..domain.errors import ConflictError
from ..domain.fiscal import long_label

MINE, THEIRS = "mine", "theirs"


def ask(parent: QWidget, exc: ConflictError) -> str | None:
    """MINE (save this person's value over the other), THEIRS (take the stored value), or
    None (decide later: the text stays as typed)."""
    field = str(exc.data.get("field", ""))
    fy = exc.data.get("fy")
    where = F.label(field) + (f"（{long_label(int(fy))}）" if isinstance(fy, int) else "")
    theirs = format_value(field, exc.data.get("current"), blank="（空欄）")
    mine = format_value(field, exc.data.get("mine"), blank="（空欄）")
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(parent.tr("他の人が先に保存しました"))
    box.setText(
        parent.tr("「%1」は、入力している間に他の人が保存しました。どちらの値にしますか？").replace(
            "%1", where
        )
    )
    box.setInformativeText(
        parent.tr("保存されている値:\n%1\n\nあなたの入力:\n%2")
        .replace("%1", _short(theirs))
        .replace("%2", _short(mine))
    )
    keep_mine = box.addButton(parent.tr("自分の入力で上書き"), QMessageBox.ButtonRole.AcceptRole)
    take = box.addButton(parent.tr("保存されている値にする"), QMessageBox.ButtonRole.RejectRole)
    later = box.addButton(parent.tr("あとで決める"), QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(take)  # the safe choice: nobody's saved text is lost by Enter
    box.setEscapeButton(later)
    box.setObjectName("saveConflict")
    box.exec()
    clicked = box.clickedButton()
    if clicked is keep_mine:
        return MINE
    if clicked is take:
        return THEIRS
    return None


def _short(text: str, limit: int = 400) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
