"""A department's write without history (raw SQL) is recorded by the server itself at
commit (store/pg_audit); the app's own saves and the secretariat's writes are not doubled."""

from __future__ import annotations

import re

import psycopg
import pytest

from kanazawa_desktop.domain import fields as F
from kanazawa_desktop.services.desk import Desk
from kanazawa_desktop.services.plan_io import export_plan, import_plan
from kanazawa_desktop.services.server_users import add_user

PASSWORD = "password123"


@pytest.fixture
def city(server):
    """A server database set up by its owner, with 人事課, 財政課 and 事務局 logins."""
    with Desk.open(server) as desk:
        desk.set_role(secretariat=True)
        add_user(desk, f"jinji_{server.dbname}", PASSWORD, "人事課")
        add_user(desk, f"zaisei_{server.dbname}", PASSWORD, "財政課")
        add_user(desk, f"sec_{server.dbname}", PASSWORD, None)
    return server


def login(city, who: str) -> str:
    return f"{who}_{city.dbname}"


def connect(city, who: str | None = None, **kw) -> psycopg.Connection:
    """psql's view: a connection of its own, as a login (None: the owner)."""
    user, password = (city.user, None) if who is None else (login(city, who), PASSWORD)
    return psycopg.connect(
        host=city.host, port=city.port, dbname=city.dbname, user=user, password=password,
        connect_timeout=10, **kw,
    )  # fmt: skip


def batches(city) -> list[tuple]:
    with connect(city) as con:
        return con.execute(
            'SELECT id, "at", "user", "role", source, description FROM change_batch ORDER BY id'
        ).fetchall()


def changes(city, batch_id: int) -> list[tuple]:
    with connect(city) as con:
        return con.execute(
            "SELECT measure_id, fy, field, old, new FROM change WHERE batch_id = %s ORDER BY id",
            [batch_id],
        ).fetchall()


def measure_of(city, department: str, key: str | None = None) -> int:
    with Desk.open(city) as desk:
        return next(
            m.id
            for m in desk.measures()
            if department in m.departments and (key is None or m.key == key)
        )


def test_a_raw_update_of_a_result_is_recorded_with_the_login(city):
    own = measure_of(city, "人事課")
    before = batches(city)
    with Desk.open(city) as desk:
        old = desk.measure(own).years[2024].result_text
    with connect(city, "jinji", autocommit=True) as con:
        n = con.execute(
            "UPDATE measure_year SET result_text = '直接書いた' WHERE measure_id = %s AND fy = 2024",
            [own],
        ).rowcount
        assert n == 1
    [batch] = batches(city)[len(before) :]
    bid, at, user, role, source, description = batch
    assert (user, role, source, description) == (
        login(city, "jinji"), "人事課", "sql", "データベースを直接変更",
    )  # fmt: skip
    # the app's format: datetime.now().astimezone().isoformat(timespec="seconds")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", at), at
    assert changes(city, bid) == [(own, 2024, "result_text", f'"{old}"', '"直接書いた"')]
    with Desk.open(city) as desk:
        entry = desk.history(own)[0]
        assert (entry.batch_id, entry.user, entry.field, entry.old, entry.new) == (
            bid, login(city, "jinji"), F.RESULT_TEXT, old, "直接書いた",
        )  # fmt: skip
        assert entry.source_label == "データベース直接変更"


def test_raw_writes_of_indicator_values_carry_the_apps_field_names(city):
    no86 = measure_of(city, "財政課", "No.86")  # indicators No.86-1 … No.86-5
    with connect(city) as con:
        ids = dict(
            con.execute('SELECT "key", id FROM indicator WHERE measure_id = %s', [no86]).fetchall()
        )
        con.execute(
            "INSERT INTO indicator_value (indicator_id, fy, actual) VALUES (%s, 2024, 5)",
            [ids["No.86-1"]],
        )
        con.commit()
    before = len(batches(city))
    with connect(city, "zaisei") as con:
        con.execute(
            "UPDATE indicator_value SET actual = 7.5 WHERE indicator_id = %s AND fy = 2024",
            [ids["No.86-1"]],
        )
        con.execute(  # a new row: an INSERT is audited too
            "INSERT INTO indicator_value (indicator_id, fy, actual, figure) VALUES"
            " (%s, 2024, 95.2, NULL), (%s, 2024, NULL, 93.1)",
            [ids["No.86-4"], ids["No.86-5"]],
        )
        con.commit()
    [batch] = batches(city)[before:]
    assert batch[2:5] == (login(city, "zaisei"), "財政課", "sql")
    assert changes(city, batch[0]) == [
        (no86, 2024, "actual", "5", "7.5"),  # the first indicator: the plain name
        (no86, 2024, "actual:No.86-4", "null", "95.2"),
        (no86, 2024, "figure:No.86-5", "null", "93.1"),
    ]
    with Desk.open(city.as_user(login(city, "zaisei"), PASSWORD)) as desk:
        # the app reads them as its own, and undoes them as one of its batches
        history = {(h.field, h.old, h.new) for h in desk.history(no86)}
        assert {("actual", 5, 7.5), ("actual:No.86-4", None, 95.2)} <= history
        desk.undo_batch(batch[0])
        m = desk.measure(no86)
        assert m.actuals["No.86-1"][2024] == 5 and 2024 not in m.actuals.get("No.86-4", {})
        assert 2024 not in m.figures.get("No.86-5", {})
    assert [b[4] for b in batches(city)[before:]] == ["sql", "undo"]


def test_raw_updates_in_one_transaction_are_one_batch(city):
    own = measure_of(city, "人事課")
    before = len(batches(city))
    with connect(city, "jinji") as con:
        for text in ("一回目", "二回目"):
            con.execute(
                "UPDATE measure_year SET result_text = %s WHERE measure_id = %s AND fy = 2024",
                [text, own],
            )
        con.execute(
            "UPDATE measure_year SET status = 'achieved' WHERE measure_id = %s AND fy = 2023",
            [own],
        )
        con.commit()
    [batch] = batches(city)[before:]
    rows = changes(city, batch[0])
    assert [(r[1], r[2], r[4]) for r in rows] == [
        (2024, "result_text", '"一回目"'),
        (2024, "result_text", '"二回目"'),  # both steps: the second is no app's record of the first
        (2023, "status", '"achieved"'),
    ]
    assert rows[1][3] == '"一回目"'


def test_a_rolled_back_raw_write_records_nothing(city):
    own = measure_of(city, "人事課")
    before = batches(city)
    with connect(city, "jinji") as con:
        con.execute(
            "UPDATE measure_year SET result_text = '取り消す' WHERE measure_id = %s AND fy = 2024",
            [own],
        )
        con.rollback()
    assert batches(city) == before


def test_an_app_save_by_a_department_is_exactly_one_batch(city):
    own = measure_of(city, "人事課")
    no86 = measure_of(city, "財政課", "No.86")
    before = len(batches(city))
    with Desk.open(city.as_user(login(city, "jinji"), PASSWORD)) as desk:
        desk.save(own, {(2024, F.RESULT_TEXT): "アプリで記入", (2024, F.STATUS): "achieved"})
        desk.save(own, {(2024, F.RESULT_TEXT): ""})  # back to empty: a change too
    with Desk.open(city.as_user(login(city, "zaisei"), PASSWORD)) as desk:
        # 12 is stored as 12.0 (double precision) and recorded as 12: the same number
        desk.save(no86, {(2024, F.ACTUAL): 12, (2024, "actual:No.86-4"): 95.25,
                         (2024, "figure:No.86-4"): 93.1})  # fmt: skip
        with desk.db.atomic():  # a save nested in a transaction is a savepoint
            desk.save(no86, {(2024, F.ACTUAL): 12.5})
        desk.save(no86, {(2024, "figure:No.86-4"): None})  # no value: SQL NULL, JSON null
    new = batches(city)[before:]
    assert [b[4] for b in new] == ["form"] * 5


def test_a_forged_empty_batch_does_not_hide_a_raw_write(city):
    own = measure_of(city, "人事課")
    before = len(batches(city))
    with connect(city, "jinji") as con:
        con.execute(
            'INSERT INTO change_batch ("at", "user", "role", source, description)'
            " VALUES ('2020-01-01T00:00:00+09:00', %s, '人事課', 'form', '')",
            [login(city, "jinji")],
        )
        con.execute(
            "UPDATE measure_year SET result_text = '隠したい' WHERE measure_id = %s AND fy = 2024",
            [own],
        )
        con.commit()
    new = batches(city)[before:]
    assert [b[4] for b in new] == ["form", "sql"]
    assert changes(city, new[0][0]) == []
    assert [c[2:] for c in changes(city, new[1][0])][0][0] == "result_text"


def test_a_change_row_of_another_value_does_not_hide_a_raw_write(city):
    """Only a change row with the value now stored counts as the app's record of it."""
    own = measure_of(city, "人事課")
    before = len(batches(city))
    with connect(city, "jinji") as con:
        (bid,) = con.execute(
            'INSERT INTO change_batch ("at", "user", "role", source, description)'
            " VALUES ('2020-01-01T00:00:00+09:00', %s, '人事課', 'form', '') RETURNING id",
            [login(city, "jinji")],
        ).fetchone()
        con.execute(
            "INSERT INTO change (batch_id, measure_id, fy, field, old, new)"
            " VALUES (%s, %s, 2024, 'result_text', '\"\"', '\"無害\"')",
            [bid, own],
        )
        con.execute(
            "UPDATE measure_year SET result_text = '本当の値' WHERE measure_id = %s AND fy = 2024",
            [own],
        )
        con.commit()
    new = batches(city)[before:]
    assert [b[4] for b in new] == ["form", "sql"]
    assert changes(city, new[1][0])[0][4] == '"本当の値"'


def test_a_department_cannot_write_the_batchs_transaction(city):
    with connect(city, "jinji") as con:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute(
                'INSERT INTO change_batch ("at", "user", "role", source, description, kd_xact)'
                " VALUES ('x', %s, 'x', 'form', '', 1)",
                [login(city, "jinji")],
            )
        con.rollback()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute('UPDATE change_batch SET kd_xact = 1 WHERE "user" = %s',
                        [login(city, "jinji")])  # fmt: skip
        con.rollback()


def test_the_secretariat_and_the_owner_are_not_audited(city, tmp_path):
    own = measure_of(city, "人事課")
    before = len(batches(city))
    for who in ("sec", None):  # raw SQL: theirs to answer for (they may rewrite anything)
        with connect(city, who, autocommit=True) as con:
            con.execute(
                "UPDATE measure_year SET result_text = %s WHERE measure_id = %s AND fy = 2024",
                [f"{who}", own],
            )
            con.execute("UPDATE indicator_value SET actual = 1")
    assert len(batches(city)) == before
    with Desk.open(city.as_user(login(city, "sec"), PASSWORD)) as desk:
        # a plan import writes values without a batch of their own: one 'import' batch
        out = export_plan(desk, "gyosei_keiei", tmp_path / "plan.xlsx")
        import_plan(desk, out, key="copy")
    assert [b[4] for b in batches(city)[before:]] == ["import"]


def test_an_existing_server_database_gets_the_audit_when_its_owner_opens_it(city):
    with connect(city) as con:  # as before this version: no audit objects
        for table in ("measure_year", "indicator_value"):
            con.execute(f'DROP TRIGGER kd_audit ON "{table}"')
        con.execute("DROP FUNCTION kd_audit()")
        con.execute("ALTER TABLE change_batch DROP COLUMN kd_xact")
        con.commit()
    with Desk.open(city.as_user(login(city, "jinji"), PASSWORD)):
        pass  # a department cannot install it (nor is it asked to)
    with Desk.open(city):
        pass
    own = measure_of(city, "人事課")
    before = len(batches(city))
    with connect(city, "jinji", autocommit=True) as con:
        con.execute(
            "UPDATE measure_year SET result_text = '後から' WHERE measure_id = %s AND fy = 2024",
            [own],
        )
    assert [b[4] for b in batches(city)[before:]] == ["sql"]
