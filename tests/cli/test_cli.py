"""The command line in a child process: init, errors, exit codes, no window."""

from conftest import run_cli
from proc_helpers import read_all

from kanazawa_desktop.services.desk import Desk


def test_init_department_then_secretariat(tmp_path):
    db = tmp_path / "d.sqlite3"
    out = run_cli("--db", str(db), "init", "--department", "人事課")
    assert out.returncode == 0, out.stderr
    assert "人事課" in out.stdout and "6 件" in out.stdout
    with Desk.open(db) as d:
        assert d.role.department == "人事課"
    out = run_cli("--db", str(db), "init", "--secretariat", "--force")
    assert out.returncode == 0, out.stderr
    assert "92 件" in out.stdout


def test_unknown_department_lists_valid_ones_and_changes_nothing(tmp_path):
    db = tmp_path / "d.sqlite3"
    out = run_cli("--db", str(db), "init", "--department", "人事部")
    assert out.returncode == 1
    line = out.stderr.strip()
    assert (
        "\n" not in line and "人事部" in line and "人事課" in line and "デジタル行政戦略課" in line
    )
    assert "Traceback" not in out.stderr


def test_environment_variable_picks_the_database(tmp_path):
    db = tmp_path / "env.sqlite3"
    out = run_cli("init", "--secretariat", env={"KANAZAWA_DESKTOP_DB": str(db)})
    assert out.returncode == 0, out.stderr
    assert db.exists()


def test_bad_database_file_is_one_line_and_untouched(tmp_path):
    db = tmp_path / "bad.sqlite3"
    db.write_bytes(b"not a database at all\n" * 50)
    before = db.read_bytes()
    out = run_cli("--db", str(db), "init", "--secretariat")
    assert out.returncode == 1
    assert out.stderr.count("\n") == 1 and "データベースではありません" in out.stderr
    assert db.read_bytes() == before


def test_usage_error_exits_2(tmp_path):
    out = run_cli("--db", str(tmp_path / "x"), "init")
    assert out.returncode == 2
    assert "Traceback" not in out.stderr


def test_commands_never_load_qt(tmp_path):
    import subprocess
    import sys

    code = (
        "import sys; from kanazawa_desktop.cli import main; "
        f"rc = main(['--db', r'{tmp_path / 'q.sqlite3'}', 'init', '--secretariat']); "
        "assert not any(m.startswith('PySide6') for m in sys.modules), 'Qt imported'; "
        "sys.exit(rc)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr


def test_output_cut_short_by_a_closed_pipe_is_quiet(tmp_path):
    import subprocess
    import sys

    db = tmp_path / "db.sqlite3"
    assert run_cli("--db", str(db), "init", "--secretariat").returncode == 0
    cmd = [sys.executable, "-m", "kanazawa_desktop", "--db", str(db), "status"]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.close()  # the reader is gone before the first line, like `| head -0`
    err = read_all(p.stderr, timeout=60).decode()
    p.wait(timeout=60)
    assert "Traceback" not in err and p.returncode in (0, 141)
