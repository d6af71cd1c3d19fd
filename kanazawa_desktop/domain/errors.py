"""Errors raised below the UI: a code and the data the UI needs to word them.

`message` is a ready Japanese sentence for the command line and the window.
"""

from __future__ import annotations


class DeskError(Exception):
    code = "error"

    def __init__(self, message: str, **data: object) -> None:
        super().__init__(message)
        self.message = message
        self.data = data


class StoreError(DeskError):
    code = "store"


class StalePreview(StoreError):
    """The data changed between a preview and its apply: preview again."""

    code = "stale"


class PermissionDenied(DeskError):
    code = "permission"


class InvalidValue(DeskError):
    code = "invalid"


class NotFound(DeskError):
    code = "not_found"


class OutputError(InvalidValue):
    """A file the app writes (workbook, PDF, backup) cannot go where it was asked to."""

    code = "output"
