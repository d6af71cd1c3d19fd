"""Every error raised below the UI is a DeskError class in domain/errors.py with its own
stable code (E-…), and none is defined anywhere else."""

from __future__ import annotations

import importlib
import pkgutil
import re

import kanazawa_desktop
from kanazawa_desktop.domain import errors
from kanazawa_desktop.domain.errors import DeskError

HEADLESS = ("domain", "store", "workbook", "services", "cli")


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def _error_classes():
    for info in pkgutil.walk_packages(kanazawa_desktop.__path__, "kanazawa_desktop."):
        if info.name.split(".")[1] in HEADLESS:
            importlib.import_module(info.name)
    return [DeskError, *_all_subclasses(DeskError)]


def test_every_error_class_has_its_own_stable_code():
    classes = [c for c in _error_classes() if c.__module__.startswith("kanazawa_desktop.")]
    assert {c.__name__ for c in classes} >= {
        "DeskError",
        "StoreError",
        "ConflictError",
        "StalePreview",
        "PermissionDenied",
        "InvalidValue",
        "NotFound",
        "OutputError",
        "Cancelled",
        "BadWorkbook",
    }
    for cls in classes:
        assert cls.__module__ == errors.__name__, f"{cls.__name__} is defined in {cls.__module__}"
        assert "code" in vars(cls), f"{cls.__name__} has no code of its own"
        assert re.fullmatch(r"E-[A-Z]+(-[A-Z]+)*", cls.code), cls.code
    codes = [c.code for c in classes]
    assert len(codes) == len(set(codes)), codes


def test_the_old_import_paths_name_the_same_classes():
    from kanazawa_desktop.services.progress import Cancelled
    from kanazawa_desktop.store.repository import ConflictError
    from kanazawa_desktop.workbook.errors import BadWorkbook

    assert (Cancelled, ConflictError, BadWorkbook) == (
        errors.Cancelled,
        errors.ConflictError,
        errors.BadWorkbook,
    )
    bad = BadWorkbook("壊れています", "damaged", file="x.xlsx")
    assert (bad.code, bad.kind, bad.data) == (
        "E-BAD-WORKBOOK",
        "damaged",
        {"kind": "damaged", "file": "x.xlsx"},
    )
