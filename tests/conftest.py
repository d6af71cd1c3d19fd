"""Shared fixtures. Qt runs offscreen; storage tests never create a QApplication."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
SEEDS = REPO.parent / "shared" / "seeds"


def _data_folders() -> dict[str, Path | None]:
    """Where kanazawa_desktop.resources and .db are imported from (None: not importable)."""
    import importlib.util

    out: dict[str, Path | None] = {}
    for name in ("resources", "db"):
        spec = importlib.util.find_spec(f"kanazawa_desktop.{name}")
        locations = list(spec.submodule_search_locations or []) if spec else []
        out[name] = Path(locations[0]).resolve() if locations else None
    return out


def pytest_configure(config: pytest.Config) -> None:
    missing = [n for n, p in _data_folders().items() if p is None]
    if missing:
        raise pytest.UsageError(
            f"kanazawa_desktop.{'/'.join(missing)} cannot be imported: resources/ and db/ are "
            "installed into the package by pyproject.toml's package-dir mapping, so this "
            "environment needs `pip install -e .` (scripts/setup.sh --dev) after that mapping came"
        )


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Say so when the data is not this tree's (an editable install of another checkout)."""
    return [
        f"NOTE: kanazawa_desktop.{n} is read from {p}, not from {REPO / n}"
        for n, p in _data_folders().items()
        if p is not None and p != REPO / n
    ]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", help="run long fuzz and soak tests")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("KD_TEST_BACKEND") == "postgresql":
        file_only = pytest.mark.skip(reason="about the SQLite file itself (KD_TEST_BACKEND)")
        for item in items:
            if "sqlite_file" in item.keywords:
                item.add_marker(file_only)
    if config.getoption("--slow"):
        return
    skip = pytest.mark.skip(reason="long run: pass --slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
    _leave_headless_to_the_child(config, items)


def _leave_headless_to_the_child(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A full run checks the headless layers in the Qt-blocked child (tests/headless_run.py):
    their tests run there only, not a second time here, so the two cores share the work (the
    suite ran them twice, and the child ran out of its 900 s on a busy machine)."""
    if config.getoption("collectonly") or not any(
        i.name == "test_headless_layers_pass_with_qt_blocked" for i in items
    ):
        return
    import headless_run

    roots = [str(REPO / d) + os.sep for d in headless_run.HEADLESS]
    moved = [i for i in items if any(str(i.path).startswith(r) for r in roots)]
    if moved:
        config.hook.pytest_deselected(items=moved)
        kept = set(map(id, moved))
        items[:] = [i for i in items if id(i) not in kept]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "desk.sqlite3"


@pytest.fixture
def desk(db_path: Path, request: pytest.FixtureRequest):
    from kanazawa_desktop.services.desk import Desk

    # KD_TEST_BACKEND=postgresql runs every test written on `desk` against a server database
    # (a fresh one per test): how the store's portability is checked beyond tests/server
    if os.environ.get("KD_TEST_BACKEND") == "postgresql":
        d = Desk.open(request.getfixturevalue("server"))
    else:
        d = Desk.open(db_path)
    yield d
    d.close()


# ---- PostgreSQL: one throwaway cluster per test session (tests/pg_cluster.py) ------------


def _started_cluster():
    import pg_cluster as clusters

    try:
        return clusters.start_cluster()
    except clusters.NoServer as exc:
        pytest.fail(f"{exc} (the server tests need PostgreSQL: bash scripts/setup.sh --dev)")


@pytest.fixture(scope="session")
def pg_cluster():
    cluster = _started_cluster()
    yield cluster
    cluster.stop()


@pytest.fixture
def own_cluster():
    """A cluster of the test's own, for stopping and starting (halt(), start()): doing that
    to the session's would cut the other tests' connections."""
    cluster = _started_cluster()
    yield cluster
    cluster.stop()


@pytest.fixture
def server(pg_cluster, request: pytest.FixtureRequest):
    """A new, empty database on the test cluster, as its superuser (a Server location)."""
    import uuid

    from kanazawa_desktop.domain.location import parse_server

    name = "t_" + uuid.uuid4().hex[:12]
    return parse_server(pg_cluster.create_database(name))


@pytest.fixture
def jinji(desk):
    """The desk as 人事課's. On a server (KD_TEST_BACKEND=postgresql) a department is a login,
    not a setting: a 人事課 login is made and the desk opened again as it."""
    from kanazawa_desktop.domain.location import Server

    if not isinstance(desk.path, Server):
        desk.set_role(department="人事課")
        yield desk
        return
    from kanazawa_desktop.services.desk import Desk
    from kanazawa_desktop.services.server_users import add_user

    desk.set_role(secretariat=True)  # installs the roles
    login = f"jinji_{desk.path.dbname}"
    add_user(desk, login, "password123", "人事課")
    desk.close()
    department = Desk.open(desk.path.as_user(login, "password123"))
    yield department
    department.close()


@pytest.fixture
def secretariat(desk):
    desk.set_role(secretariat=True)
    return desk


# ---- GUI: windows that are always closed (helpers in tests/gui_helpers.py) --------------


@pytest.fixture
def gui_windows(qtbot):
    """A list the test's windows are added to; at teardown, pass or fail, pending modal
    waits are cancelled, open modal dialogs rejected, and every window and desk closed."""
    import gui_helpers

    opened: list = []
    yield opened
    gui_helpers.stop_modal_waits()
    gui_helpers.close_modals()
    gui_helpers.close_windows(opened)


@pytest.fixture
def settings(tmp_path):
    """The window's settings in an ini file of the test's own (never the user's)."""
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def open_window(qtbot, gui_windows):
    """open_window(db_path, settings, department=… | secretariat=True, activate=True):
    start the app (answering the first-start question if the keyword is given) and show
    the window; it is closed with its desk after the test."""
    import gui_helpers

    def _open(db_path, settings, *, department=None, secretariat=False, activate=True):
        if department is not None or secretariat:
            gui_helpers.answer_first_start(qtbot, department=department, secretariat=secretariat)
        return gui_helpers.open_main_window(
            qtbot, db_path, settings, gui_windows, activate=activate
        )

    return _open


@pytest.fixture
def secretariat_window(tmp_path, open_window):
    """The secretariat's window on a fresh database (settings in tmp_path)."""
    from PySide6.QtCore import QSettings

    from kanazawa_desktop.services.desk import Desk

    db = tmp_path / "desk.sqlite3"
    with Desk.open(db) as d:
        d.set_role(secretariat=True)
    return open_window(
        db, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), activate=False
    )


def run_cli(*args: str, env: dict | None = None, timeout: float = 120, input: str | None = None):
    """Run the installed command line in a child process, as a person would."""
    import subprocess

    e = dict(os.environ)
    e.pop("QT_QPA_PLATFORM", None)  # commands must not need a display at all
    e.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "kanazawa_desktop", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=e,
        cwd=REPO,
        input=input,
    )


@pytest.fixture
def mounted():
    """mounted(folder, "size=2m") mounts a small tmpfs there (a real full disk, a read-only
    folder) and unmounts it afterwards; skips when this machine does not let us mount."""
    import subprocess

    done: list[Path] = []

    def mount(folder: Path, options: str) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        r = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
            capture_output=True,
            text=True,
            timeout=30,
        )
        if r.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here (needs root): {r.stderr.strip()}")
        done.append(folder)
        return folder

    yield mount
    for folder in reversed(done):
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, timeout=30)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the Qt-blocked run of the headless layers beside this one (tests/headless_run.py)
    when this run will check it: it then costs the second core, not minutes at the end."""
    if any(i.name == "test_headless_layers_pass_with_qt_blocked" for i in session.items):
        if not session.config.getoption("collectonly"):
            import headless_run

            headless_run.start()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    import sys

    if "headless_run" in sys.modules:  # never leave the child running (an interrupted run)
        sys.modules["headless_run"].stop()
    if "kanazawa_desktop.ui.tasks" in sys.modules:
        # a worker a test left (a preview still rendering) must not run on while the
        # interpreter shuts down: that crashed the run at its very end (exit 139)
        sys.modules["kanazawa_desktop.ui.tasks"].finish_all(30_000)
    if "kanazawa_desktop.ui.qt_app" in sys.modules:  # a table copied by a test: see there
        sys.modules["kanazawa_desktop.ui.qt_app"].settle_clipboard()
