"""Store and command-line reliability (issue 8): targets, identity, locks, schema version,
target paths, multi-file import, closed pipes, temporaries, missing databases, file modes."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO
from exchange_helpers import fill

from kanazawa_desktop.cli import main
from kanazawa_desktop.domain.errors import StoreError
from kanazawa_desktop.files import staging
from kanazawa_desktop.services import exchange as X
from kanazawa_desktop.services.desk import Desk
from kanazawa_desktop.store import connection, schema, steps


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    rc = main([str(a) for a in argv])
    out = capsys.readouterr()
    return rc, out.out, out.err


def one_error_line(err: str) -> str:
    assert err.count("\n") == 1 and err.startswith("kanazawa-desktop: エラー: "), err
    assert "Traceback" not in err
    return err


@pytest.fixture
def sec_db(tmp_path) -> Path:
    db = tmp_path / "sec.sqlite3"
    with Desk.open(db) as d:
        d.set_role(secretariat=True)
    return db


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


# ---- 1. an export or print never writes over a database -------------------------------------


@pytest.mark.qt  # the print command renders in-process
def test_export_and_print_never_overwrite_a_database(capsys, tmp_path, sec_db):
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    link = tmp_path / "link.xlsx"
    link.symlink_to(sec_db)
    wal = Path(str(sec_db) + "-wal")
    targets = [sec_db, link, other, wal, Path(os.path.relpath(sec_db))]
    for target in targets:
        before = snapshot(tmp_path)
        for cmd in (
            ["export", target],
            ["export", target, "--department", "人事課"],
            ["print", target, "--measure", "1"],
        ):
            rc, _out, err = cli(capsys, "--db", sec_db, *cmd)
            assert rc == 1 and "データベース" in one_error_line(err), (target, cmd)
        after = snapshot(tmp_path)
        after.pop(wal.name, None), before.pop(wal.name, None)  # SQLite's own log may move on
        assert after == before
    with Desk.open(sec_db, create=False) as d:
        assert len(d.rows()) == 92


def test_folder_export_refuses_a_database_of_the_same_name(tmp_path, sec_db):
    from kanazawa_desktop.domain.errors import OutputError
    from kanazawa_desktop.services.exchange import export as exchange_export

    with Desk.open(sec_db) as d:
        name = exchange_export.department_file_name(d.plan.name, "人事課")
        trap = tmp_path / "out" / name
        trap.parent.mkdir()
        sqlite3.connect(trap).execute("CREATE TABLE t (x)").connection.close()
        before = trap.read_bytes()
        with pytest.raises(OutputError):
            exchange_export.export_departments(d, trap.parent)
    assert trap.read_bytes() == before


# ---- 2. identity ------------------------------------------------------------------------------


def test_a_database_without_identity_gets_one_on_open(sec_db):
    con = sqlite3.connect(sec_db)
    con.execute("DELETE FROM meta WHERE key='database_uid'")
    con.commit()
    con.close()
    with Desk.open(sec_db, create=False) as d:
        uid = d.database_uid
        assert len(uid) == 32
    with Desk.open(sec_db, create=False) as d:
        assert d.database_uid == uid  # written once, kept


def test_creating_is_one_transaction(tmp_path, monkeypatch):
    """A failure after the plan is in (before the identity) leaves no database behind."""
    from kanazawa_desktop.store import repository

    db = tmp_path / "new.sqlite3"
    real = repository.set_meta

    def failing(key, value):
        if key == "database_uid":
            raise RuntimeError("killed here")
        return real(key, value)

    monkeypatch.setattr(repository, "set_meta", failing)
    with pytest.raises(RuntimeError):
        Desk.open(db)
    assert not db.exists()
    monkeypatch.setattr(repository, "set_meta", real)
    with Desk.open(db) as d:
        assert d.database_uid and len(d.rows(all_departments=True)) == 92


# ---- 3. another program holds the write lock ---------------------------------------------------


@pytest.fixture
def locked(monkeypatch):
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 200)
    held = []

    def hold(path: Path):
        con = sqlite3.connect(path, isolation_level=None)
        con.execute("BEGIN IMMEDIATE")
        held.append(con)

    yield hold
    for con in held:
        con.rollback()
        con.close()


def test_locked_database_is_one_japanese_line_for_every_command(capsys, tmp_path, sec_db, locked):
    with Desk.open(sec_db) as d:
        issued = X.export_workbook(d, tmp_path / "jinji.xlsx", "人事課").path
    fill(issued, {("No.7", "R5", "result"): "記入"})
    locked(sec_db)
    for cmd in (["init", "--secretariat"], ["export", tmp_path / "m.xlsx"], ["import", issued]):
        rc, _out, err = cli(capsys, "--db", sec_db, *cmd)
        assert rc == 1, cmd
        assert "他のプログラムが使用中" in err and "Traceback" not in err, (cmd, err)
    assert not (tmp_path / "m.xlsx").exists()
    with Desk.open(sec_db, create=False) as d:
        m7 = next(m for m in d.measures() if m.number == 7)
        with pytest.raises(StoreError, match="他のプログラムが使用中"):
            d.save(m7.id, {(2023, "result_text"): "保存"})
        assert d.measure(m7.id).year(2023).result_text == ""


# ---- 4. the recorded schema version must match the tables ---------------------------------------


@pytest.mark.parametrize("recorded", ["2", "1", "0", "-1", "abc", "3.0", "", " 3", "４"])
def test_edited_schema_version_is_refused_untouched(tmp_path, recorded):
    db = tmp_path / "v.sqlite3"
    Desk.open(db).close()
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=DELETE")  # one file, so the byte compare sees everything
    con.execute("UPDATE meta SET value=? WHERE key='schema_version'", (recorded,))
    con.commit()
    con.close()
    before = snapshot(tmp_path)
    with pytest.raises(StoreError, match="形式番号"):
        Desk.open(db)
    assert snapshot(tmp_path) == before  # no .bak, no change


def test_version_check_knows_what_each_step_adds():
    for version, tables, columns in schema.additions():
        assert tables or columns, version


def test_a_step_adding_only_tables_extends_the_check(monkeypatch):
    latest, real = schema.LATEST_VERSION, schema.STEPS
    future = steps.Step(latest + 1, "future.sql", ('CREATE TABLE "future_table" ("id" INTEGER);',))
    monkeypatch.setattr(schema, "STEPS", (*real, future))
    added = schema.additions()[:-1]
    tables = frozenset(t for _, ts, _ in added for t in ts)
    cols: dict[str, set[str]] = {}
    for _, _, columns in added:
        for table, column in columns:
            cols.setdefault(table, {"id"}).add(column)
    columns = {t: frozenset(c) for t, c in cols.items()}
    now = connection.Probe(tables=tables, schema_version=latest, columns=columns)
    assert schema.consistent(latest, now) and not schema.consistent(latest + 1, now)
    later = connection.Probe(
        tables=tables | {"future_table"}, schema_version=latest + 1, columns=columns
    )
    assert schema.consistent(latest + 1, later) and not schema.consistent(latest, later)


@pytest.mark.parametrize("fixture", ["schema_v1.sql", "schema_v2.sql"])
def test_old_fixtures_still_migrate(tmp_path, fixture):
    db = tmp_path / "old.sqlite3"
    con = sqlite3.connect(db)
    con.executescript((REPO / "tests" / "fixtures" / fixture).read_text(encoding="utf-8"))
    con.close()
    with Desk.open(db, create=False) as d:
        assert schema.current_version(d.db) == schema.LATEST_VERSION
        assert d.database_uid


# ---- 6. target paths ----------------------------------------------------------------------------


@pytest.mark.qt  # the print command renders in-process
def test_bad_export_and_backup_targets_are_one_line(capsys, tmp_path, sec_db):
    folder = tmp_path / "a folder.xlsx"
    folder.mkdir()
    long_name = tmp_path / ("あ" * 100 + ".xlsx")  # 300 bytes
    cases = [
        ["export", folder],
        ["export", long_name],
        ["export", "/proc/kd.xlsx"],
        ["export", tmp_path / "missing" / "x.xlsx"],
        ["backup", tmp_path / ("い" * 100)],
        ["print", long_name.with_suffix(".pdf")],
    ]
    before = snapshot(tmp_path)
    for cmd in cases:
        rc, _out, err = cli(capsys, "--db", sec_db, *cmd)
        assert rc == 1, cmd
        one_error_line(err)
    after = snapshot(tmp_path)
    after.pop(sec_db.name + "-wal", None), before.pop(sec_db.name + "-wal", None)
    assert after == before and list(folder.iterdir()) == []


def test_read_only_folder_export_is_one_line(capsys, tmp_path, sec_db, mounted):
    ro = mounted(tmp_path / "ro", "ro,size=1m")
    rc, _out, err = cli(capsys, "--db", sec_db, "export", ro / "m.xlsx")
    assert rc == 1 and "読み取り専用" in one_error_line(err)


# ---- 7 and 8. multi-file import ----------------------------------------------------------------


def _three_returns(db: Path, tmp_path: Path) -> list[Path]:
    with Desk.open(db) as d:
        files = [X.export_workbook(d, tmp_path / f"{n}.xlsx", "人事課").path for n in "abc"]
    fill(files[0], {("No.7", "R5", "result"): "A の記入"})
    fill(files[1], {("No.10", "R5", "result"): "B の記入"})
    fill(files[2], {("No.10", "R6", "result"): "C の記入"})
    return files


def _results(db: Path) -> list[str]:
    with Desk.open(db, create=False) as d:
        by_no = {m.number: m for m in d.measures()}
        return [
            by_no[7].year(2023).result_text,
            by_no[10].year(2023).result_text,
            by_no[10].year(2024).result_text,
        ]


def test_an_unexpected_error_in_one_file_does_not_end_the_run(
    capsys, tmp_path, sec_db, monkeypatch
):
    from kanazawa_desktop.services.exchange import preview as exchange_preview

    a, b, c = _three_returns(sec_db, tmp_path)
    real = exchange_preview.preview_file

    def damaged(desk, path, *rest):
        if Path(path).name == "b.xlsx":
            raise NotImplementedError("that compression type is not supported")
        return real(desk, path, *rest)

    monkeypatch.setattr(exchange_preview, "preview_file", damaged)
    rc, out, err = cli(capsys, "--db", sec_db, "import", a, b, c)
    assert rc == 1
    assert "b.xlsx: 予期しないエラーのため取り込めませんでした（NotImplementedError）" in err
    assert "Traceback" not in err and "a.xlsx" in out and "c.xlsx" in out
    assert _results(sec_db) == ["A の記入", "", "C の記入"]


def test_a_closed_pipe_never_stops_applying(tmp_path, sec_db):
    files = _three_returns(sec_db, tmp_path)
    cmd = [
        sys.executable,
        "-m",
        "kanazawa_desktop",
        "--db",
        str(sec_db),
        "import",
        *map(str, files),
    ]
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO, env=env)
    assert p.stdout.readline()  # `| head -1`
    p.stdout.close()
    err = p.stderr.read().decode()
    assert p.wait(timeout=120) == 141, err
    assert "Traceback" not in err
    assert _results(sec_db) == ["A の記入", "B の記入", "C の記入"]


# ---- 9. temporaries -----------------------------------------------------------------------------


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_stale_temporaries_of_ours_are_swept_by_the_next_export(tmp_path, sec_db, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    dead, alive = _dead_pid(), os.getppid()
    stale = out / f".m.xlsx.{staging._host()}-{dead}-0a0b0c0d.kdtmp"
    journal = out / (stale.name + "-journal")
    busy = out / f".m.xlsx.{staging._host()}-{alive}-0a0b0c0d.kdtmp"
    foreign = out / f".m.xlsx.00000000-{dead}-0a0b0c0d.kdtmp"
    if staging._host() == "00000000":  # pragma: no cover
        foreign = out / f".m.xlsx.00000001-{dead}-0a0b0c0d.kdtmp"
    mine = out / "keep.tmp"
    for f in (stale, journal, busy, foreign, mine):
        f.write_bytes(b"x")
    with Desk.open(sec_db) as d:
        X.export_workbook(d, out / "m.xlsx")
    left = sorted(p.name for p in out.iterdir())
    assert left == sorted(["m.xlsx", busy.name, foreign.name, mine.name])


def test_backup_and_print_sweep_too(
    qapp, tmp_path, sec_db
):  # printing in-process: a QApplication first
    from kanazawa_desktop.services.backup import save_backup
    from kanazawa_desktop.services.printing import print_pdf

    for write, name in (
        (lambda d, p: save_backup(d, p), "b.sqlite3"),
        (lambda d, p: print_pdf(d, p, numbers=[1]), "p.pdf"),
    ):
        stale = tmp_path / f".{name}.{staging._host()}-{_dead_pid()}-00ff00ff.kdtmp"
        stale.write_bytes(b"x")
        with Desk.open(sec_db) as d:
            write(d, tmp_path / name)
        assert not stale.exists() and (tmp_path / name).exists()
        assert not [p for p in tmp_path.iterdir() if p.name.endswith(".kdtmp")]


# ---- 10. missing or empty database --------------------------------------------------------------


@pytest.mark.parametrize(
    "cmd",
    [
        ["status"],
        ["import", "x.xlsx"],
        ["export", "x.xlsx"],
        ["print", "x.pdf"],
        ["backup", "b.sqlite3"],
        ["import", "--undo", "1"],
    ],
)
def test_only_init_creates_a_database(capsys, tmp_path, cmd):
    missing, empty = tmp_path / "missing.sqlite3", tmp_path / "empty.sqlite3"
    empty.touch()
    cmd = [str(tmp_path / c) if "." in c else c for c in cmd]
    rc, _out, err = cli(capsys, "--db", missing, *cmd)
    assert rc == 1 and f"データベースファイルがありません: {missing}" in one_error_line(err)
    rc, _out, err = cli(capsys, "--db", empty, *cmd)
    assert rc == 1 and f"データベースファイルが空です: {empty}" in one_error_line(err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.sqlite3"]
    assert empty.stat().st_size == 0


# ---- 11. file modes follow the umask ------------------------------------------------------------


def test_written_files_follow_the_umask(
    qapp, tmp_path, sec_db
):  # printing in-process: a QApplication first
    from kanazawa_desktop.services.backup import save_backup
    from kanazawa_desktop.services.printing import print_pdf

    old = os.umask(0o002)
    try:
        with Desk.open(sec_db) as d:
            made = [
                X.export_workbook(d, tmp_path / "m.xlsx").path,
                print_pdf(d, tmp_path / "p.pdf", numbers=[1]).path,
                save_backup(d, tmp_path / "b.sqlite3").path,
            ]
    finally:
        os.umask(old)
    assert [oct(stat.S_IMODE(p.stat().st_mode)) for p in made] == [oct(0o664)] * 3


def test_a_hot_journal_left_by_a_killed_writer_is_rolled_back_not_refused(sec_db):
    """A crash in rollback-journal mode (the mode used on network shares) leaves a hot journal
    that a read-only look cannot replay; opening must recover it, not call the file read-only."""
    import signal
    import textwrap

    con = sqlite3.connect(sec_db)
    con.execute("PRAGMA journal_mode=DELETE")
    con.close()
    writer = textwrap.dedent("""
        import sqlite3, sys, time
        con = sqlite3.connect(sys.argv[1], isolation_level=None)
        con.execute("PRAGMA cache_size=1")  # spill to the file before commit
        con.execute("BEGIN IMMEDIATE")
        con.execute("UPDATE measure_year SET result_text = 'half written'")
        print("ready", flush=True)
        time.sleep(60)
    """)
    p = subprocess.Popen(
        [sys.executable, "-c", writer, str(sec_db)], stdout=subprocess.PIPE, text=True
    )
    assert p.stdout.readline().strip() == "ready"
    os.kill(p.pid, signal.SIGKILL)
    p.wait(timeout=30)
    p.stdout.close()
    assert Path(str(sec_db) + "-journal").exists()
    with Desk.open(sec_db, create=False) as d:
        assert {m.year(2023).result_text for m in d.measures()} == {""}
