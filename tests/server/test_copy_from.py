"""`copy-from`: a secretariat's SQLite database moved into an empty server database, whole."""

from __future__ import annotations

import json
import re
import sqlite3

import psycopg
import pytest
from exchange_helpers import fill
from workbook_snapshot import first_difference, snapshot

from kanazawa_desktop.cli import main
from kanazawa_desktop.domain.errors import StoreError
from kanazawa_desktop.services import exchange as X
from kanazawa_desktop.services import fiscal_years as FY
from kanazawa_desktop.services.desk import Desk
from kanazawa_desktop.services.plan_indicators import plan_indicators, save_plan_indicators
from kanazawa_desktop.services.server_copy import copy_from


def mid(desk, number):
    return next(m.id for m in desk.measures() if m.number == number)


def pg(server) -> psycopg.Connection:
    return psycopg.connect(
        host=server.host, port=server.port, dbname=server.dbname, user=server.user,
        connect_timeout=10,
    )  # fmt: skip


def server_tables(server) -> list[str]:
    with pg(server) as con:
        return [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = 'public' ORDER BY 1"
            )
        ]


@pytest.fixture
def years_file(tmp_path):
    """A secretariat's file after some years: edits, a renamed node, a plan indicator, a
    workbook round with an open conflict, a closed year, a draft."""
    path = tmp_path / "secretariat.sqlite3"
    with Desk.open(path) as desk:
        desk.set_role(secretariat=True)
        desk.save(mid(desk, 10), {(2023, "result_text"): "複数行の\n記入\t（タブ）\\と'引用'"})
        desk.save(mid(desk, 11), {(2023, "status"): "achieved"})
        desk.rename_node(desk.nodes()[1].id, "名称を変えた項目")
        out = X.export_workbook(desk, tmp_path / "j1.xlsx", "人事課").path
        desk.save(mid(desk, 7), {(2023, "result_text"): "事務局の修正"})
        fill(out, {("No.7", "R5", "result"): "課の記入", ("No.7", "R5", "status"): "達成"})
        [pv] = X.preview_import(desk, [out])
        assert X.apply_import(desk, pv).open_conflicts
        FY.close_year(desk, 2023, source="test")
        desk.put_draft(mid(desk, 12), 2024, "result_text", "書きかけ")
        desk.use_plan("sogo_senryaku_3")
        item = plan_indicators(desk)[0].items[0]
        save_plan_indicators(desk, {(item.id, 2025, "actual"): "50.25"})
        desk.use_plan("gyosei_keiei")
    return path


def file_rows(path, table):
    con = sqlite3.connect(path)
    try:
        cols = [r[1] for r in con.execute(f'PRAGMA table_info("{table}")')]
        rows = con.execute(f'SELECT * FROM "{table}"').fetchall()
    finally:
        con.close()
    return cols, sorted(rows, key=repr)


def test_every_table_and_row_arrives_with_its_ids(years_file, server):
    seen = []
    result = copy_from(years_file, server, progress=lambda t, n: seen.append((t, n)))
    assert seen == result.tables
    con = sqlite3.connect(years_file)
    tables = sorted(
        r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    )
    con.close()
    assert sorted(t for t, _ in result.tables) == tables == server_tables(server)
    order = [t for t, _ in result.tables]
    assert order.index("plan") < order.index("node") < order.index("measure")
    assert order.index("change_batch") < order.index("change")
    with pg(server) as pcon:
        for table in tables:
            cols, rows = file_rows(years_file, table)
            quoted = ", ".join(f'"{c}"' for c in cols)
            got = sorted(pcon.execute(f'SELECT {quoted} FROM "{table}"').fetchall(), key=repr)
            assert len(got) == len(rows) == dict(result.tables)[table], table
            if table == "draft":  # the file's drafts (no owner there) are the copier's now
                assert {r[0] for r in rows} == {""} and {r[0] for r in got} == {server.user}
                rows = [(server.user, *r[1:]) for r in rows]
            assert got == rows, table
    counts = dict(result.tables)
    for table in ("change_batch", "change", "node_change", "indicator_change", "exchange_import",
                  "exchange_export", "exchange_conflict", "fiscal_year_event", "draft"):  # fmt: skip
        assert counts[table] > 0, table


def test_the_master_workbook_is_the_same_from_the_file_and_the_server(years_file, server, tmp_path):
    copy_from(years_file, server)
    with Desk.open(years_file) as desk:
        uid = desk.database_uid
        from_file = X.export_workbook(desk, tmp_path / "file.xlsx").path
    with Desk.open(server) as desk:
        assert desk.role is not None and desk.role.is_secretariat
        assert desk.database_uid == uid  # the departments' returns still match
        assert list(desk.closed_years()) == [2023]
        assert len(X.open_conflicts(desk)) == 1
        assert desk.drafts()[mid(desk, 12)] == {(2024, "result_text"): "書きかけ"}
        from_server = X.export_workbook(desk, tmp_path / "server.xlsx").path
    a, b = (_undated(snapshot(p)) for p in (from_file, from_server))
    assert first_difference(a, b) is None
    assert a == b


_ERA_DAY = re.compile(r"令和[0-9元]+年[0-9]+月[0-9]+日")


def _undated(snap: dict) -> dict:
    """The day of export (和暦) as a placeholder: two exports may straddle midnight."""
    return json.loads(_ERA_DAY.sub("令和N年M月D日", json.dumps(snap, ensure_ascii=False)))


def test_a_save_after_the_copy_gets_a_new_id(years_file, server):
    con = sqlite3.connect(years_file)
    last_batch = con.execute("SELECT max(id) FROM change_batch").fetchone()[0]
    last_change = con.execute("SELECT max(id) FROM change").fetchone()[0]
    con.close()
    copy_from(years_file, server)
    with Desk.open(server) as desk:
        res = desk.save(mid(desk, 20), {(2024, "result_text"): "サーバーで初めての保存"})
        assert res.batch_id == last_batch + 1
        texts = [h.new for h in desk.history(mid(desk, 10))]
        assert "複数行の\n記入\t（タブ）\\と'引用'" in texts
    with pg(server) as pcon:
        assert pcon.execute("SELECT max(id) FROM change").fetchone()[0] == last_change + 1
        roles = [r[0] for r in pcon.execute("SELECT rolname FROM pg_roles ORDER BY 1")]
    assert f"{server.dbname}:secretariat" in roles  # installed as init --secretariat does


def test_the_command_prints_each_table_and_refuses_a_second_copy(years_file, server, capsys):
    dsn = server.display
    assert main(["--db", dsn, "copy-from", str(years_file)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "plan 3" in out and any(line.startswith("measure ") for line in out)
    assert "をコピーしました" in out[-1]
    with pg(server) as pcon:
        before = pcon.execute("SELECT count(*) FROM change").fetchone()[0]
    assert main(["--db", dsn, "copy-from", str(years_file)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kanazawa-desktop: エラー: ") and "空ではありません" in err
    assert err.count("\n") == 1 and "Traceback" not in err
    with pg(server) as pcon:
        assert pcon.execute("SELECT count(*) FROM change").fetchone()[0] == before


def refused(capsys, server, path, match):
    assert main(["--db", server.display, "copy-from", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kanazawa-desktop: エラー: ") and err.count("\n") == 1, err
    assert re.search(match, err), err
    assert server_tables(server) == []  # nothing written on the server


def test_a_department_database_is_refused(tmp_path, server, capsys):
    path = tmp_path / "jinji.sqlite3"
    with Desk.open(path) as desk:
        desk.set_role(department="人事課")
    refused(capsys, server, path, "担当課のものです")


def test_a_file_that_is_no_database_is_refused(tmp_path, server, capsys):
    text = tmp_path / "notes.sqlite3"
    text.write_text("これはデータベースではありません\n" * 100, encoding="utf-8")
    refused(capsys, server, text, "データベース")
    refused(capsys, server, tmp_path / "missing.sqlite3", "ファイルがありません")
    other = tmp_path / "other.sqlite3"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.close()
    refused(capsys, server, other, "本アプリのデータベースではありません")


def test_a_newer_or_older_file_is_refused_untouched(years_file, server, capsys):
    from kanazawa_desktop.store.schema import LATEST_VERSION

    con = sqlite3.connect(years_file)
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (LATEST_VERSION + 1,))
    con.commit()
    con.close()
    before = years_file.read_bytes()
    refused(capsys, server, years_file, "新しいバージョン")
    assert years_file.read_bytes() == before


def test_a_target_that_is_a_file_is_refused(years_file, tmp_path):
    with pytest.raises(StoreError, match="共有サーバー"):
        copy_from(years_file, tmp_path / "other.sqlite3")
    assert not (tmp_path / "other.sqlite3").exists()


def test_a_failure_halfway_leaves_the_server_database_empty(years_file, server):
    def stop_after_measure(table, rows):
        if table == "measure":
            raise KeyboardInterrupt  # the person stops it, or the network goes

    with pytest.raises(KeyboardInterrupt):
        copy_from(years_file, server, progress=stop_after_measure)
    assert server_tables(server) == []
    with pg(server) as pcon:
        roles = [r[0] for r in pcon.execute("SELECT rolname FROM pg_roles")]
    assert f"{server.dbname}:secretariat" not in roles
    copy_from(years_file, server)  # and the copy can simply be run again
    assert "measure" in server_tables(server)


def test_a_row_the_server_refuses_rolls_everything_back(years_file, server, capsys):
    con = sqlite3.connect(years_file)  # foreign keys off: a change of a measure that is gone
    con.execute(
        "INSERT INTO change (batch_id, measure_id, fy, field, old, new)"
        " VALUES ((SELECT max(id) FROM change_batch), 999999, 2023, 'result_text', '', 'x')"
    )
    con.commit()
    con.close()
    refused(
        capsys, server, years_file, "表「change」のコピーに失敗しました.*何も書き込んでいません"
    )


def test_a_node_whose_parent_has_a_larger_id_arrives_after_it(years_file, server):
    """One COPY per table: the server checks node.parent_id at the end of the statement."""
    con = sqlite3.connect(years_file)
    plan_id, child = con.execute(
        "SELECT plan_id, min(id) FROM node WHERE parent_id IS NULL"
    ).fetchone()
    con.execute(
        "INSERT INTO node (id, plan_id, key, parent_id, level, label, title, position)"
        " VALUES (90000, ?, 'moved-under', NULL, 0, '', '新しい上位', 999)",
        (plan_id,),
    )
    con.execute("UPDATE node SET parent_id = 90000 WHERE id = ?", (child,))
    con.commit()
    con.close()
    copy_from(years_file, server)
    with pg(server) as pcon:
        assert pcon.execute("SELECT parent_id FROM node WHERE id = %s", (child,)).fetchone() == (
            90000,
        )


def test_an_older_file_is_refused_untouched_with_what_to_do(tmp_path, server, capsys):
    from kanazawa_desktop.store.schema import LATEST_VERSION, STEPS

    path = tmp_path / "old.sqlite3"
    con = sqlite3.connect(path)
    for step in STEPS[:-1]:
        for sql in step.statements:
            con.execute(sql)
    con.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(LATEST_VERSION - 1),))
    con.execute("INSERT INTO meta VALUES ('role', 'secretariat')")
    con.commit()
    con.close()
    before = path.read_bytes()
    refused(capsys, server, path, f"古い形式です（形式 {LATEST_VERSION - 1}.*一度開いて")
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["old.sqlite3"]  # no backup, no migration
