"""The shared workbook's use cases in one place, for the window and the command line.

    export_workbook(desk, out, department=None, progress=None) -> ExportResult
    export_departments(desk, folder, progress=None) -> list[ExportResult]
    preview_import(desk, files, progress=None) -> list[FilePreview]     # dry run
    apply_import(desk, preview, resolutions=None) -> ApplyResult        # one batch per file
    undo_import(desk, batch_id) -> list[FieldChange]
    collection_status(desk, today=None) -> list[DepartmentStatus]       # 回収状況 (the plan)
    all_plans_status(desk, today=None) -> list[tuple[Plan, list[DepartmentStatus]]]  # every plan
    last_deadline(desk) -> date | None                                  # the plan's last 回収期限
    reminder_rows(blocks) / write_reminder_csv(path, rows)              # 督促リスト
    open_conflicts(desk, plan=None) -> list[ConflictRecord]             # the worklist
    resolve(desk, conflict_id, take=None, value=None) -> Resolution     # settle one

The format is described in docs/workbook.md; each function's contract in its module.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .apply import TAKE_FILE, TAKE_MASTER, ApplyResult, apply_import, undo_import
    from .conflicts import ConflictRecord, Resolution, open_conflicts, resolve
    from .export import ExportResult, export_departments, export_workbook
    from .preview import FilePreview, preview_import
    from .reminders import REMINDER_HEADERS, reminder_rows, write_reminder_csv
    from .status import DepartmentStatus, all_plans_status, collection_status, last_deadline
    from .validate import Refusal

# Loaded on first use (PEP 562): `export` needs openpyxl, not the import's reader and merge,
# and the window starts without any of them.
_HOME = {
    "TAKE_FILE": "apply",
    "TAKE_MASTER": "apply",
    "ApplyResult": "apply",
    "apply_import": "apply",
    "undo_import": "apply",
    "ExportResult": "export",
    "export_departments": "export",
    "export_workbook": "export",
    "FilePreview": "preview",
    "preview_import": "preview",
    "DepartmentStatus": "status",
    "collection_status": "status",
    "all_plans_status": "status",
    "last_deadline": "status",
    "REMINDER_HEADERS": "reminders",
    "reminder_rows": "reminders",
    "write_reminder_csv": "reminders",
    "Refusal": "validate",
    "ConflictRecord": "conflicts",
    "Resolution": "conflicts",
    "open_conflicts": "conflicts",
    "resolve": "conflicts",
}
__all__ = [
    "REMINDER_HEADERS",
    "TAKE_FILE",
    "TAKE_MASTER",
    "ApplyResult",
    "ConflictRecord",
    "DepartmentStatus",
    "ExportResult",
    "FilePreview",
    "Refusal",
    "Resolution",
    "all_plans_status",
    "apply_import",
    "collection_status",
    "export_departments",
    "export_workbook",
    "last_deadline",
    "open_conflicts",
    "preview_import",
    "reminder_rows",
    "resolve",
    "undo_import",
    "write_reminder_csv",
]


def __getattr__(name: str) -> object:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_HOME[name]}", __name__), name)
