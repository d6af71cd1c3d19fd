"""The server enforces who may change what, not only the app: a department login, even with
raw SQL, changes only its own measures' result fields (store/pg_security)."""

from __future__ import annotations

import psycopg
import pytest

from kanazawa_desktop.domain import fields as F
from kanazawa_desktop.domain.errors import DeskError, PermissionDenied
from kanazawa_desktop.services.desk import Desk
from kanazawa_desktop.services.server_users import add_user, list_users


@pytest.fixture
def city(server):
    """A server database set up by its owner, with a 人事課 and a 事務局 login (logins are
    the whole cluster's: each test's carry its database's name)."""
    with Desk.open(server) as desk:
        desk.set_role(secretariat=True)
        add_user(desk, f"jinji_{server.dbname}", "password123", "人事課")
        add_user(desk, f"sec_{server.dbname}", "password123", None)
    return server


def jinji(city):
    return city.as_user(f"jinji_{city.dbname}", "password123")


def _own_and_other(desk: Desk) -> tuple[int, int]:
    rows = desk.measures()
    own = next(m.id for m in rows if "人事課" in m.departments)
    other = next(m.id for m in rows if "人事課" not in m.departments)
    return own, other


def test_logins_are_listed_with_their_role(city):
    with Desk.open(city) as desk:
        j, s = f"jinji_{city.dbname}", f"sec_{city.dbname}"
        assert sorted(list_users(desk)) == [(j, "人事課"), (s, "事務局")]
        with pytest.raises(DeskError, match="既にあります（人事課）"):
            add_user(desk, j, "password123", "財政課")
        with pytest.raises(DeskError, match="担当課「存在しない課」はありません"):
            add_user(desk, "x1", "password123", "存在しない課")
        with pytest.raises(DeskError, match="ログイン名は"):
            add_user(desk, "Robert'); DROP", "password123", None)


def test_the_login_decides_the_role_and_the_author(city):
    with Desk.open(jinji(city)) as desk:
        assert desk.role == F.Role(department="人事課")
        own, _ = _own_and_other(desk)
        desk.save(own, {(2024, F.RESULT_TEXT): "サーバーで記入"})
        assert desk.history(own)[0].user == f"jinji_{city.dbname}"
        with pytest.raises(PermissionDenied, match="ログインで決まります"):
            desk.set_role(department="財政課")
    with Desk.open(city.as_user(f"sec_{city.dbname}", "password123")) as desk:
        assert desk.role == F.Role()
        assert desk.set_role(secretariat=True) == F.Role()  # set up already: nothing to do


def test_a_department_cannot_write_outside_its_results_even_with_raw_sql(city):
    with Desk.open(city) as desk:
        own, other = _own_and_other(desk)
    dsn = dict(host=city.host, port=city.port, dbname=city.dbname, user=f"jinji_{city.dbname}")
    with psycopg.connect(**dsn, password="password123", autocommit=True) as con:
        # its own result field: allowed (the app records history; raw SQL is on them)
        n = con.execute(
            "UPDATE measure_year SET result_text = 'raw' WHERE measure_id = %s AND fy = 2024",
            [own],
        ).rowcount
        assert n == 1
        # another department's row: invisible to the update (row-level security)
        n = con.execute(
            "UPDATE measure_year SET result_text = 'hack' WHERE measure_id = %s", [other]
        ).rowcount
        assert n == 0
        refused = [
            ("UPDATE measure_year SET plan_text = 'hack' WHERE measure_id = %s", [own]),
            ("UPDATE measure SET name = 'hack' WHERE id = %s", [own]),
            ("DELETE FROM change_batch", None),
            ("UPDATE meta SET value = 'secretariat' WHERE key = 'role'", None),
            (
                "INSERT INTO change_batch (\"at\", \"user\", role, source, description)"
                " VALUES ('x', 'sec1', 'x', 'x', 'x')",
                None,
            ),
            ("INSERT INTO measure_year (measure_id, fy, plan_text, result_text, status)"
             " VALUES (%s, 2099, '', 'x', '')", [other]),
            ("DROP POLICY kd_read ON measure_year", None),
            ("ALTER TABLE measure_year DISABLE ROW LEVEL SECURITY", None),
            ("CREATE ROLE evil LOGIN", None),
            (f'GRANT "{city.dbname[:40]}:secretariat" TO "jinji_{city.dbname}"', None),
            ("TRUNCATE measure_year", None),
        ]  # fmt: skip
        for sql, args in refused:
            with pytest.raises(psycopg.Error) as info:
                con.execute(sql, args)
            assert info.value.sqlstate in ("42501", "42P01", "55000") or "must be" in str(
                info.value
            ), sql
    with Desk.open(city) as desk:
        assert desk.measure(other).years[2024].result_text != "hack"
        assert desk.measure(own).years[2024].result_text == "raw"


def test_the_app_says_in_japanese_what_the_server_refused(city):
    with Desk.open(jinji(city)) as desk:
        own, other = _own_and_other(desk)
        # the app refuses first, in its own words
        with pytest.raises(PermissionDenied):
            desk.save(own, {(2024, F.PLAN_TEXT): "計画を書き換え"})
        with pytest.raises(PermissionDenied):
            desk.save(other, {(2024, F.RESULT_TEXT): "他課の欄"})
        # and under the app, the server: a write the app would allow only to the secretariat
        from kanazawa_desktop.store import repository as repo

        change = F.FieldChange(other, F.RESULT_TEXT, desk.measure(other).years[2024].result_text,
                               "直接", 2024)  # fmt: skip
        with pytest.raises(PermissionDenied, match="サーバーがこの操作を許可しませんでした"):
            repo.apply_changes(desk.db, [change], desk.actor, "form")
    with Desk.open(city) as desk:
        assert desk.measure(other).years[2024].result_text != "直接"


def test_wrong_password_and_unknown_server_are_one_japanese_line(city):
    with pytest.raises(DeskError, match="ログインを拒否しました"):
        Desk.open(city.as_user("jinji1", "wrong-password"))
    from kanazawa_desktop.domain.location import parse_server

    with pytest.raises(DeskError, match="サーバーに接続できません"):
        Desk.open(parse_server("postgresql://jinji1@127.0.0.1:1/x"))


def test_an_older_server_schema_is_updated_by_its_owner_only(city):
    with psycopg.connect(
        host=city.host, port=city.port, dbname=city.dbname, user=city.user, autocommit=True
    ) as con:  # back to version 11: before the 用語解説 column and the drafts' owner
        con.execute('ALTER TABLE "plan" DROP COLUMN "glossary"')
        con.execute('ALTER TABLE "draft" DROP CONSTRAINT "draft_pkey"')
        con.execute('ALTER TABLE "draft" DROP COLUMN "owner" CASCADE')  # and its policies
        con.execute('ALTER TABLE "draft" ADD PRIMARY KEY ("measure_id", "fy", "field")')
        con.execute("UPDATE meta SET value = '11' WHERE key = 'schema_version'")
    with pytest.raises(DeskError, match="形式（11）.*所有者"):
        Desk.open(jinji(city))
    with Desk.open(city) as desk:  # the owner: migrated, privileges installed again
        assert desk.plan.name
    with Desk.open(jinji(city)) as desk:
        own, _ = _own_and_other(desk)
        desk.save(own, {(2024, F.RESULT_TEXT): "更新後も記入できる"})
        assert desk.plan.glossary == ()
        desk.put_draft(own, 2024, F.STATUS, "書きかけ")
        assert desk.drafts() == {own: {(2024, F.STATUS): "書きかけ"}}


def test_drafts_are_each_logins_own(city):
    """Two people of one department typing in the same measure: each keeps their own
    unsaved text, sees nobody else's (not even with raw SQL), and saving drops only theirs."""
    with Desk.open(city) as desk:
        add_user(desk, f"jinji2_{city.dbname}", "password123", "人事課")
    a, b = jinji(city), city.as_user(f"jinji2_{city.dbname}", "password123")
    key = (2024, F.RESULT_TEXT)
    with Desk.open(a) as desk:  # one desk at a time: the models are bound to one database
        own, _ = _own_and_other(desk)
        desk.put_draft(own, *key, "Aの書きかけ")
    with Desk.open(b) as desk:
        assert desk.drafts() == {}
        desk.put_draft(own, *key, "Bの書きかけ")
        assert desk.drafts() == {own: {key: "Bの書きかけ"}}
        desk.save(own, {key: "Bが保存"})
        assert desk.drafts() == {}
    with Desk.open(city.as_user(f"sec_{city.dbname}", "password123")) as desk:
        assert desk.drafts() == {}  # the secretariat's login sees no one's drafts
    with psycopg.connect(
        host=b.host, port=b.port, dbname=b.dbname, user=b.user, password=b.password
    ) as con:
        assert con.execute('SELECT "owner", "text" FROM "draft"').fetchall() == []
        assert con.execute('UPDATE "draft" SET "text" = \'上書き\'').rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            con.execute(
                'INSERT INTO "draft" ("owner", "measure_id", "fy", "field", "text", "updated_at")'
                " VALUES (%s, %s, 2024, 'status', 'なりすまし', '')",
                (a.user, own),
            )
    with Desk.open(a) as desk_a:
        assert desk_a.drafts() == {own: {key: "Aの書きかけ"}}


def test_an_administrator_who_is_no_superuser_sets_it_all_up(pg_cluster):
    """The README's way: a login with CREATEROLE owns the database and runs init and
    user add; nothing needs the server's superuser after creating those two."""
    import uuid

    from kanazawa_desktop.domain.location import parse_server

    tag = uuid.uuid4().hex[:8]
    with psycopg.connect(pg_cluster.admin_dsn, autocommit=True) as con:
        con.execute(f"CREATE ROLE kanri_{tag} LOGIN CREATEROLE")
        con.execute(f"CREATE DATABASE kz_{tag} OWNER kanri_{tag}")
    owner = parse_server(pg_cluster.dsn(f"kz_{tag}", f"kanri_{tag}"))
    with Desk.open(owner) as desk:
        desk.set_role(secretariat=True)
        add_user(desk, f"jinji_{tag}", "password123", "人事課")
    with Desk.open(owner.as_user(f"jinji_{tag}", "password123")) as desk:
        own, other = _own_and_other(desk)
        desk.save(own, {(2024, F.RESULT_TEXT): "所有者が設定したサーバーで記入"})
        with pytest.raises(PermissionDenied):
            desk.save(other, {(2024, F.RESULT_TEXT): "他課"})
