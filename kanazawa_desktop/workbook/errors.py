"""The error a returned workbook is refused with as a whole (unreadable, hostile, foreign).

`message` is one Japanese sentence; `kind` names the case for tests and logs.
"""

from __future__ import annotations

from ..domain.errors import DeskError


class BadWorkbook(DeskError):
    code = "bad_workbook"

    def __init__(self, message: str, kind: str, **data: object) -> None:
        super().__init__(message, kind=kind, **data)
        self.kind = kind
