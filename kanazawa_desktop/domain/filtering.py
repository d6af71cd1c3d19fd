"""Which measures a person sees: their department's, narrowed by search text, year and status."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from .fields import Role
from .model import MeasureRow
from .status import Status


def normalize(text: str) -> str:
    """Fold width and case so 'ＡＩ' finds 'AI' and 'maas' finds 'MaaS'; spaces dropped."""
    return unicodedata.normalize("NFKC", text).casefold().replace(" ", "").replace("\u3000", "")


@dataclass(frozen=True)
class MeasureFilter:
    text: str = ""
    department: str | None = None
    fy: int | None = None
    status: Status | None = None
    include_retired: bool = True

    def matches(self, row: MeasureRow, haystack: str = "") -> bool:
        if self.department and self.department not in row.departments:
            return False
        if not self.include_retired and row.retired:
            return False
        if self.status is not None:
            years = [self.fy] if self.fy else list(row.statuses) or []
            if not any(row.statuses.get(fy, Status.PENDING) == self.status for fy in years):
                return False
        if self.text:
            hay = normalize(" ".join([row.number_label, str(row.number or ""), row.name,
                                      " ".join(row.departments), haystack]))
            parts = [normalize(p) for p in self.text.replace("\u3000", " ").split()]
            if not all(p in hay for p in parts):
                return False
        return True


def visible_to(role: Role | None, row: MeasureRow) -> bool:
    """A department sees only the measures it holds (each department of a joint measure does)."""
    return role is None or role.owns(row.departments)
