"""The SQLite store: pragmas, refusals that leave the file untouched, schema, writes, history."""

import sqlite3
import threading

import pytest

from kanazawa_desktop.domain import fields as F
from kanazawa_desktop.domain.errors import StoreError
from kanazawa_desktop.services.desk import Desk
from kanazawa_desktop.store import connection, schema


@pytest.mark.sqlite_file
def test_new_database_has_plan_and_safe_pragmas(desk, db_path):
    db = desk.db
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert (
        db.execute_sql("PRAGMA synchronous").fetchone()[0] == 2
    )  # FULL: the last draft survives a power cut
    assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] == connection.BUSY_TIMEOUT_MS
    assert schema.current_version(db) == schema.LATEST_VERSION
    assert len(desk.rows(all_departments=True)) == 92
    assert db.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute_sql("PRAGMA foreign_key_check").fetchall() == []


def test_reopen_keeps_data_and_does_not_reload_plan(db_path):
    with Desk.open(db_path) as d:
        d.set_role(secretariat=True)
        n = len(d.rows())
    with Desk.open(db_path) as d:
        assert len(d.rows()) == n
        assert d.role.is_secretariat


def _untouched(path, fn):
    before = path.read_bytes()
    with pytest.raises(StoreError) as err:
        fn()
    assert path.read_bytes() == before
    return err.value.message


def test_not_a_database_is_refused_untouched(tmp_path):
    p = tmp_path / "x.sqlite3"
    p.write_bytes(b"PK\x03\x04 this is a zip, not sqlite" * 10)
    msg = _untouched(p, lambda: Desk.open(p))
    assert "データベースではありません" in msg


def test_corrupt_database_is_refused_untouched(tmp_path, db_path):
    Desk.open(db_path).close()
    raw = bytearray(db_path.read_bytes())
    raw[4096:8192] = b"\xff" * 4096  # smash a b-tree page
    db_path.write_bytes(bytes(raw))
    for suffix in ("-wal", "-shm"):
        (db_path.parent / (db_path.name + suffix)).unlink(missing_ok=True)
    msg = _untouched(db_path, lambda: Desk.open(db_path))
    assert "破損" in msg


def test_foreign_sqlite_file_is_refused(tmp_path):
    p = tmp_path / "other.sqlite3"
    con = sqlite3.connect(p)
    con.execute("create table people(id integer primary key, name text)")
    con.commit()
    con.close()
    msg = _untouched(p, lambda: Desk.open(p))
    assert "データベースではありません" in msg


def test_newer_version_is_refused_untouched(db_path):
    with Desk.open(db_path) as d:
        d.db.execute_sql(
            "UPDATE meta SET value = ? WHERE key = 'schema_version'",
            (str(schema.LATEST_VERSION + 1),),
        )
        d.db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    msg = _untouched(db_path, lambda: Desk.open(db_path))
    assert "新しいバージョン" in msg


def test_read_only_file_is_refused(db_path):
    import os
    import shutil
    import subprocess

    Desk.open(db_path).close()
    os.chmod(db_path, 0o444)
    immutable = False
    try:
        if os.access(db_path, os.W_OK):  # root writes 0444 files: make it immutable instead
            immutable = (
                shutil.which("chattr") is not None
                and subprocess.run(
                    ["chattr", "+i", str(db_path)], capture_output=True, timeout=60
                ).returncode
                == 0
            )
            if not immutable or os.access(db_path, os.W_OK):
                pytest.skip(
                    "running as a user who can write read-only files, and chattr +i is not allowed"
                )
        msg = _untouched(db_path, lambda: Desk.open(db_path))
        assert "書き込めません" in msg
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(db_path)], check=True, timeout=60)
        os.chmod(db_path, 0o644)


def test_unwritable_folder_is_refused(tmp_path, monkeypatch):
    target = tmp_path / "nope" / "desk.sqlite3"
    (tmp_path / "nope").mkdir()
    real_access = connection.os.access
    monkeypatch.setattr(
        connection.os,
        "access",
        lambda p, mode: False if str(p).endswith("nope") else real_access(p, mode),
    )
    with pytest.raises(StoreError, match="書き込めません"):
        Desk.open(target)
    assert not target.exists()


def test_locked_database_gets_a_clear_message(db_path, monkeypatch):
    Desk.open(db_path).close()
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("PRAGMA journal_mode=DELETE")
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 200)
    try:
        with pytest.raises(StoreError, match="使用中"):
            Desk.open(db_path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_network_path_detection(tmp_path, monkeypatch):
    assert connection.is_network_path(tmp_path) is False
    assert connection.is_network_path(r"\\fileserver\share\desk.sqlite3")
    monkeypatch.setattr(connection, "_mount_fstype", lambda p: "cifs")
    assert connection.is_network_path(tmp_path / "x.sqlite3")


def test_network_share_never_uses_wal(db_path, monkeypatch):
    monkeypatch.setattr(connection, "is_network_path", lambda p: True)
    with Desk.open(db_path) as d:
        assert d.info.on_network
        assert d.db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert d.db.execute_sql("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_save_records_history_and_undo(jinji):
    row = next(r for r in jinji.rows() if r.number == 10)
    res = jinji.save(
        row.id, {(2023, F.RESULT_TEXT): "時差出勤を本格導入した", (2023, F.STATUS): "達成"}
    )
    assert res.batch_id is not None and len(res.changes) == 2
    m = jinji.measure(row.id)
    assert m.year(2023).result_text == "時差出勤を本格導入した"
    assert m.year(2023).status.label == "達成"
    hist = jinji.history(row.id)
    assert {h.field for h in hist} == {F.RESULT_TEXT, F.STATUS}
    assert all(h.role == "人事課" and h.source == "form" and h.user for h in hist)
    jinji.undo()
    m = jinji.measure(row.id)
    assert m.year(2023).result_text == "" and m.year(2023).status.label == "未確定"
    jinji.redo()
    assert jinji.measure(row.id).year(2023).result_text == "時差出勤を本格導入した"


def test_saving_same_value_records_nothing(jinji):
    row = next(r for r in jinji.rows() if r.number == 10)
    assert jinji.save(row.id, {(2023, F.RESULT_TEXT): ""}).batch_id is None
    assert jinji.history(row.id) == []


def test_undo_refused_when_a_later_change_touched_the_field(db_path):
    a = Desk.open(db_path)
    a.set_role(secretariat=True)
    b = Desk.open(db_path)
    mid = a.rows()[0].id
    a.save(mid, {(2023, F.RESULT_TEXT): "first"})
    b.save(mid, {(2023, F.RESULT_TEXT): "second"})
    with pytest.raises(StoreError, match="元に戻せません"):
        a.undo()
    assert a.measure(mid).year(2023).result_text == "second"
    a.close()
    b.close()


def test_stale_write_is_a_conflict_and_writes_nothing(db_path):
    from kanazawa_desktop.domain.history import Actor
    from kanazawa_desktop.store import repository as repo

    with Desk.open(db_path) as d:
        d.set_role(secretariat=True)
        mid = d.rows()[0].id
        stale = F.FieldChange(mid, F.RESULT_TEXT, "not what is stored", "x", 2023)
        with pytest.raises(repo.ConflictError):
            repo.apply_changes(d.db, [stale], Actor("u", "r"), "form")
        assert d.measure(mid).year(2023).result_text == ""
        assert d.history(mid) == []


def test_concurrent_writers_queue_instead_of_failing(db_path):
    with Desk.open(db_path) as d:
        d.set_role(secretariat=True)
        ids = [r.id for r in d.rows()[:4]]
    errors = []

    def worker(n):
        try:
            with Desk.open(db_path) as w:
                for i in range(15):
                    w.save(ids[n], {(2024, F.RESULT_TEXT): f"writer {n} step {i}"})
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a writer is still blocked after 120 s"
    assert errors == []
    with Desk.open(db_path) as d:
        for n, mid in enumerate(ids):
            assert d.measure(mid).year(2024).result_text == f"writer {n} step 14"
            assert len(d.history(mid)) == 15


def test_drafts_survive_reopen_and_clear_on_save(db_path):
    with Desk.open(db_path) as d:
        d.set_role(department="人事課")
        mid = next(r.id for r in d.rows() if r.number == 10)
        d.put_draft(mid, 2023, F.RESULT_TEXT, "途中まで入力")
    with Desk.open(db_path) as d:
        assert d.drafts() == {mid: {(2023, F.RESULT_TEXT): "途中まで入力"}}
        d.save(mid, {(2023, F.RESULT_TEXT): "途中まで入力"})
        assert d.drafts() == {}


def test_department_cannot_write_plan_or_other_departments(jinji):
    from kanazawa_desktop.domain.errors import PermissionDenied

    own = next(r for r in jinji.rows() if r.number == 10)
    with pytest.raises(PermissionDenied):
        jinji.save(own.id, {(2023, F.PLAN_TEXT): "書き換え"})
    other = next(r for r in jinji.rows(all_departments=True) if r.number == 1)
    with pytest.raises(PermissionDenied):
        jinji.save(other.id, {(2023, F.RESULT_TEXT): "他課"})
    assert jinji.history(own.id) == [] and jinji.history(other.id) == []


def test_invalid_values_are_refused(jinji):
    from kanazawa_desktop.domain.errors import InvalidValue

    mid = next(r.id for r in jinji.rows() if r.number == 10)
    with pytest.raises(InvalidValue):
        jinji.save(mid, {(2023, F.STATUS): "だいたい達成"})
    with pytest.raises(InvalidValue):
        jinji.save(mid, {(2023, F.RESULT_TEXT): "あ" * 32768})
    assert jinji.history(mid) == []


def test_secretariat_edits_definitions_departments_and_retires(secretariat):
    d = secretariat
    mid = next(r.id for r in d.rows() if r.number == 10)
    d.save(
        mid,
        {
            (None, "name"): "テレワーク等の環境の充実",
            (None, "departments"): ["人事課", "新設課"],
            (None, "resources"): ["hito", "joho"],
            (2023, F.PLAN_TEXT): "新しい計画",
            (None, "retired"): True,
        },
    )
    m = d.measure(mid)
    assert m.name == "テレワーク等の環境の充実" and m.departments == ("人事課", "新設課")
    assert m.resources == {"hito", "joho"} and m.retired
    assert "新設課" in d.departments()
    d.undo()
    m = d.measure(mid)
    assert m.name == "テレワーク、時差出勤等に対応した環境の充実" and m.departments == ("人事課",)
    assert not m.retired
