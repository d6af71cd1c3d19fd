"""Who changed what: the actor of a change and the entries of a measure's history."""

from __future__ import annotations

import getpass
from dataclasses import dataclass

SOURCE_LABELS = {
    "form": "入力画面",
    "import": "取込",
    "cli": "コマンド",
    "undo": "元に戻す",
    "redo": "やり直し",
    "conflict": "競合の解決",
    "init": "初期設定",
    "sql": "データベース直接変更",  # recorded by the server itself (store/pg_audit)
}


@dataclass(frozen=True)
class Actor:
    """The person (OS user) and the role they act in."""

    user: str
    role: str

    @classmethod
    def current(cls, role: str) -> Actor:
        try:
            user = getpass.getuser()
        except Exception:  # noqa: BLE001 - no login name on some service accounts
            user = "unknown"
        return cls(user=user, role=role)


@dataclass(frozen=True)
class HistoryEntry:
    batch_id: int
    at: str  # ISO 8601, local time with offset
    user: str
    role: str
    source: str
    measure_id: int
    fy: int | None
    field: str
    old: object
    new: object
    undone: bool = False
    node: str = ""  # for a change of the hierarchy: which node ('小項目 ① …')
    indicator_id: int | None = None  # for a value of an indicator no measure owns

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS.get(self.source, self.source)
