"""Errors raised below the UI: a stable code and the data the UI needs to word them.

`message` is a ready Japanese sentence for the command line and the window; `code` names
the case for logs, tests and the UI's choices, and never changes once released ("E-…",
one per class, checked unique by tests/test_errors.py). Every error class a layer below
the UI raises to its callers lives here.
"""

from __future__ import annotations


class DeskError(Exception):
    code = "E-DESK"

    def __init__(self, message: str, **data: object) -> None:
        super().__init__(message)
        self.message = message
        self.data = data


class StoreError(DeskError):
    """The database cannot be opened, read or written as asked (locked, corrupt, full disk…)."""

    code = "E-STORE"


class ConflictError(StoreError):
    """A field no longer holds the value a change was made from (another writer was first)."""

    code = "E-CONFLICT"


class StalePreview(StoreError):
    """The data changed between a preview and its apply: preview again."""

    code = "E-STALE-PREVIEW"


class PermissionDenied(DeskError):
    code = "E-PERMISSION"


class InvalidValue(DeskError):
    code = "E-INVALID-VALUE"


class RoleChangeRefused(DeskError):
    """Turning the secretariat's database into a department's (or the reverse) without
    asking for it explicitly."""

    code = "E-ROLE-CHANGE"


class NotFound(DeskError):
    code = "E-NOT-FOUND"


class OutputError(InvalidValue):
    """A file the app writes (workbook, PDF, backup) cannot go where it was asked to."""

    code = "E-OUTPUT"


class Cancelled(DeskError):
    """Long work stopped by the user between units; its transaction rolled back. Work made of
    several units that each stand on their own (one workbook per department) says what was
    done before the stop instead."""

    code = "E-CANCELLED"

    def __init__(self, message: str = "中止しました。変更はありません。") -> None:
        super().__init__(message)


class Miscounted(DeskError):
    """Printing: a sheet needed another number of pages than counted before drawing began
    (the PDF writer then renders again with exact counting)."""

    code = "E-PRINT-MISCOUNTED"

    def __init__(self) -> None:
        super().__init__("印刷中に取組の内容が変わりました。もう一度印刷してください")


class BadWorkbook(DeskError):
    """A returned workbook refused as a whole (unreadable, hostile, foreign).

    `message` is one Japanese sentence; `kind` names the case for tests and logs."""

    code = "E-BAD-WORKBOOK"

    def __init__(self, message: str, kind: str, **data: object) -> None:
        super().__init__(message, kind=kind, **data)
        self.kind = kind
