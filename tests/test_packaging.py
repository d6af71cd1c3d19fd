"""What the installed app needs ships inside the wheel (a non-editable install must work)."""

import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel built from a clean copy of the source: pip builds in the source folder, and
    setuptools packs whatever a former build left in build/lib (files since removed too)."""
    source = tmp_path_factory.mktemp("source") / "src"
    shutil.copytree(
        REPO,
        source,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis"
        ),
    )
    out_dir = tmp_path_factory.mktemp("wheel")
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out_dir),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return next(out_dir.glob("kanazawa_desktop-*.whl"))


def test_wheel_carries_the_bundled_plan_schema_and_resources(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder, package in (
        ("resources", "kanazawa_desktop/resources"),
        ("db", "kanazawa_desktop/db"),
    ):
        files = [
            p.relative_to(REPO / folder).as_posix()
            for p in (REPO / folder).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        ]
        assert files
        assert {f"{package}/{f}" for f in files} <= names
    assert "kanazawa_desktop/resources/plan_gyosei_keiei.json" in names
    assert "kanazawa_desktop/resources/fonts/IPA_Font_License_Agreement_v1.0.txt" in names
    assert "kanazawa_desktop/db/0001_initial.sql" in names
    # pyproject.toml lists the packages: one left out would be missing from the install
    sources = {p.relative_to(REPO).as_posix() for p in (REPO / "kanazawa_desktop").rglob("*.py")}
    assert sources <= names
    assert {n for n in names if n.endswith(".py")} - sources == {
        f"kanazawa_desktop/{f}" for f in ("db/__init__.py", "resources/__init__.py")
    }
    entry = (
        zipfile.ZipFile(wheel)
        .read(next(n for n in names if n.endswith("entry_points.txt")))
        .decode()
    )
    assert "kanazawa-desktop = kanazawa_desktop.cli:main" in entry


def test_package_code_finds_its_data_without_file_paths():
    """Data is reached through importlib.resources, which works in any install; a path built
    from __file__ points into the source tree's layout."""
    offenders = [
        str(p.relative_to(REPO))
        for p in (REPO / "kanazawa_desktop").rglob("*.py")
        if "__file__" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_installed_wheel_creates_a_database_and_prints_away_from_the_source(wheel, tmp_path):
    """A non-editable install in a fresh venv, run from a folder outside the source tree."""
    venv = tmp_path / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    py = bindir / ("python.exe" if os.name == "nt" else "python")
    # the dependencies (PySide6, peewee, …) come from this test run's environment; only the
    # project is installed into the venv, from the wheel
    venv_site = Path(
        subprocess.run(
            [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout.strip()
    )
    # this run's site-packages (inside the repo on CI: .venv); never the source tree itself, and
    # the editable install's finder there stays inert (a .pth line's folder is not a site dir)
    deps = [p for p in site.getsitepackages() if Path(p).is_dir()]
    (venv_site / "deps.pth").write_text("\n".join(deps) + "\n", encoding="utf-8")
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(py),
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert out.returncode == 0, out.stderr[-3000:]

    away = tmp_path / "elsewhere"
    away.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "QT_QPA_PLATFORM", "KANAZAWA_DESKTOP_DB")
    }

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            list(args), capture_output=True, text=True, cwd=away, env=env, timeout=180
        )

    where = run(
        str(py),
        "-c",
        "import kanazawa_desktop, importlib.resources as r; "
        "print(kanazawa_desktop.__file__); print(r.files('kanazawa_desktop.db')); "
        "print(r.files('kanazawa_desktop.resources'))",
    )
    assert where.returncode == 0, where.stderr
    for line in where.stdout.split():
        assert Path(line).resolve().is_relative_to(venv_site.resolve()), line

    exe = str(bindir / "kanazawa-desktop")
    db = away / "desk.sqlite3"
    r = run(exe, "--db", str(db), "init", "--secretariat")
    assert r.returncode == 0, r.stderr
    pdf = away / "all.pdf"
    r = run(exe, "--db", str(db), "print", str(pdf), "--measure", "1", "--measure", "2")
    assert r.returncode == 0, r.stderr
    assert pdf.read_bytes().startswith(b"%PDF") and b"IPAexGothic" in pdf.read_bytes()
