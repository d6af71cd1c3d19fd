"""計画達成状況: the status a person chooses for a measure in a fiscal year.

Codes are stored; labels are what people read and what the workbook's drop-down holds.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    PENDING = ""  # 未確定: not yet settled (the seed: 実績確定後、達成・未達成等を記載)
    ACHIEVED = "achieved"
    NOT_ACHIEVED = "not_achieved"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @classmethod
    def from_label(cls, text: str | None) -> Status:
        """Label (or code) -> Status; blank -> PENDING; ValueError for anything else."""
        t = (text or "").strip()
        for status, label in _LABELS.items():
            if t in (label, status.value):
                return status
        raise ValueError(f"unknown 計画達成状況: {text!r}")


_LABELS = {
    Status.PENDING: "未確定",
    Status.ACHIEVED: "達成",
    Status.NOT_ACHIEVED: "未達成",
}

STATUS_LABELS: tuple[str, ...] = tuple(_LABELS.values())
