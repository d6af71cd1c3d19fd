"""pytest plugin: run the headless layers with PySide6 made unimportable.

    PYTHONPATH=tests python -m pytest -p no:pytest-qt -p no_qt tests/domain tests/store \
        tests/workbook tests/services tests/cli

domain/, store/, workbook/, services/ and cli/ must work on a machine without Qt (only printing
loads it); import-linter forbids a direct import, this catches an indirect one at run time.
Tests that need Qt in-process (the qapp/qtbot fixtures, the gui or qt mark: they print) are
left out of this run, and the summary counts them as deselected.
"""

from __future__ import annotations

import importlib.abc
import sys

import pytest

BLOCKED = ("PySide6", "shiboken6")
QT_FIXTURES = {"qapp", "qtbot", "gui_windows", "open_window", "secretariat_window"}


class _QtBlocker(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".", 1)[0] in BLOCKED:
            raise ImportError(f"{fullname} is blocked: this test run must not need Qt")
        return None


def pytest_configure(config: pytest.Config) -> None:
    loaded = sorted(m for m in sys.modules if m.split(".", 1)[0] in BLOCKED)
    if loaded:
        raise pytest.UsageError(
            f"Qt was imported before the blocker: {loaded[:3]} (add -p no:pytest-qt)"
        )
    sys.meta_path.insert(0, _QtBlocker())


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    keep, drop = [], []
    for item in items:
        marked = "gui" in item.keywords or "qt" in item.keywords
        needs_qt = marked or QT_FIXTURES & set(getattr(item, "fixturenames", ()))
        (drop if needs_qt else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    loaded = sorted(m for m in sys.modules if m.split(".", 1)[0] in BLOCKED)
    if loaded:  # cannot happen while the finder is first on sys.meta_path; guard against removal
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        print(f"\nQt was imported during the headless run: {loaded[:3]}", file=sys.stderr)
