"""The layering holds: Qt only in ui/ (and printing), peewee only in store/, one direction of imports."""

import shutil
import subprocess
import sys
from pathlib import Path

import headless_run
import pytest

REPO = Path(__file__).resolve().parent.parent


def test_import_linter_contracts_hold():
    lint = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    out = subprocess.run([lint], cwd=REPO, capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "0 broken" in out.stdout


def test_the_tree_is_formatted():
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "format",
            "--check",
            "kanazawa_desktop",
            "tests",
            "tools",
            "bench",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-1000:]


def test_ruff_is_clean():
    out = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "kanazawa_desktop", "tests", "tools", "bench"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert out.returncode == 0, out.stdout[-3000:]


def _mypy(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    # the config ([tool.mypy] in pyproject.toml) names the strict packages; the cache stays
    # out of the tree
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(REPO / "pyproject.toml"),
            "--cache-dir",
            str(REPO / "build" / "mypy_cache"),
            *args,
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=240,
    )


@pytest.mark.timeout(280)  # the run is bounded at 240 s
def test_mypy_strict_is_clean():
    """domain/, files/, workbook/ and services/ type-check under --strict (pyproject's [tool.mypy])."""
    out = _mypy()
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]


@pytest.mark.timeout(280)
def test_mypy_config_refuses_an_untyped_function(tmp_path):
    """The check above can fail: the same config reports a function without annotations."""
    bad = tmp_path / "untyped.py"
    bad.write_text("def half(x):\n    return x / 2\n")
    out = _mypy(str(bad), cwd=tmp_path)
    assert out.returncode == 1 and "no-untyped-def" in out.stdout, (
        out.stdout[-2000:] + out.stderr[-2000:]
    )


def _pytest_without_qt(*args: str, cwd: Path, timeout: float) -> subprocess.CompletedProcess:
    """pytest in a child with PySide6 unimportable (tests/no_qt.py) and pytest-qt off."""
    return subprocess.run(
        headless_run.command(*args),
        cwd=cwd,
        env=headless_run.environment(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.timeout(960)  # the child is killed 900 s after its start
def test_headless_layers_pass_with_qt_blocked():
    """The layers below the UI, and the command line, run their tests with PySide6 unimportable
    (tests/headless_run.py: started beside the main run by conftest, waited for here)."""
    code, out = headless_run.result()
    assert code == 0, out[-4000:]
    assert " passed" in out and "deselected" in out


def test_the_headless_run_fails_a_test_that_reaches_qt(tmp_path):
    (tmp_path / "test_reaches_qt.py").write_text(
        "def test_prints():\n    from PySide6 import QtCore  # noqa: F401\n"
    )
    out = _pytest_without_qt("--rootdir", str(tmp_path), str(tmp_path), cwd=tmp_path, timeout=120)
    assert out.returncode == 1 and "PySide6 is blocked" in out.stdout, out.stdout[-2000:]


def test_commands_load_only_what_they_use():
    """Building the parser loads no service; `export` never loads the import's reader."""
    code = (
        "import sys; from kanazawa_desktop.cli import build_parser; build_parser(); "
        "a = set(sys.modules); from kanazawa_desktop.services.exchange import export_workbook; "
        "b = set(sys.modules); "
        "print(sorted(m for m in a if m.startswith('kanazawa_desktop.services.'))); "
        "print(sorted(m for m in b if m in ('python_calamine', 'kanazawa_desktop.services.exchange.preview')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:2] == ["['kanazawa_desktop.services.paths']", "[]"]


def test_the_window_starts_without_the_workbook_libraries():
    """openpyxl and calamine cost about half a second of the cold start: the window's actions
    import the services that need them when they run (ui/assign_action.py, plan_io_actions.py)."""
    code = (
        "import sys; import kanazawa_desktop.ui.main_window; "
        "print(sorted(m for m in ('openpyxl', 'python_calamine') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "[]", out.stdout
