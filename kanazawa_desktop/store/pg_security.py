"""Who may do what on a server, enforced by PostgreSQL itself (not only by the app).

Roles are per database (a cluster's roles are shared by all its databases, so every name
carries the database's): `<db>:secretariat` and one NOLOGIN role per department,
`<db>:dept:<department id>`, all members of `<db>:department`. A login made by `user add` is
a member of one of them. What a login may do follows from that membership:
- the secretariat reads and writes everything (row policies `USING (true)`);
- a department reads everything, and changes only the result columns (実施結果, 計画達成状況,
  the indicators' actuals) of the measures it holds: column privileges allow no other column,
  row-level security no other department's rows. It writes history only under its own login
  (`change_batch.user = session_user`) and only for its own measures; a value it writes
  without history (raw SQL) is recorded by the server at commit (store/pg_audit).
Drafts (typed, not yet saved) are each login's own: nobody reads or writes another's.
Nobody but the owner (the login that ran `init --secretariat`) can alter tables, roles or
policies. The department of a login is read from `session_user`, never from the PC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from peewee import Database

from ..domain.errors import InvalidValue, PermissionDenied, StoreError
from . import pg_audit

# tables a department reads only
_READ_ONLY = (
    "meta", "plan", "node", "node_detail", "department", "measure", "measure_detail",
    "measure_department", "indicator", "node_change", "exchange_export", "exchange_import",
    "exchange_base", "exchange_sent", "exchange_issued", "fiscal_year_event",
)  # fmt: skip
_OWN = "owner = session_user"  # a draft row's policy: only the login that typed it
_LOGIN = re.compile(r"^[a-z_][a-z0-9_.-]{0,62}$")


@dataclass(frozen=True)
class RoleNames:
    secretariat: str
    department: str
    dept_prefix: str

    def dept(self, department_id: int) -> str:
        return f"{self.dept_prefix}{department_id}"


def names(dbname: str) -> RoleNames:
    base = dbname[:40]
    return RoleNames(f"{base}:secretariat", f"{base}:department", f"{base}:dept:")


def q(ident: str) -> str:
    return '"' + ident.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def install(db: Database, dbname: str) -> None:
    """Roles, privileges and row policies; idempotent. Run by the owner, in a transaction."""
    n = names(dbname)
    run = db.execute_sql
    for role in (n.secretariat, n.department):
        run(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = "
            f"{_lit(role)}) THEN CREATE ROLE {q(role)} NOLOGIN; END IF; END $$;"
        )
    for (dept_id,) in run('SELECT "id" FROM "department"').fetchall():
        _department_role(db, n, int(dept_id))
    run(f"REVOKE ALL ON DATABASE {q(dbname)} FROM PUBLIC")
    run(f"GRANT CONNECT ON DATABASE {q(dbname)} TO {q(n.secretariat)}, {q(n.department)}")
    run("REVOKE ALL ON SCHEMA public FROM PUBLIC")
    run(f"GRANT USAGE ON SCHEMA public TO {q(n.secretariat)}, {q(n.department)}")
    run(
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {q(n.secretariat)}"
    )
    run(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {q(n.secretariat)}")
    run(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {q(n.department)}")
    dept = q(n.department)
    run(
        "CREATE OR REPLACE FUNCTION kd_department_id() RETURNS integer LANGUAGE sql STABLE"
        " AS $$ SELECT min(substr(r.rolname, "
        f"{len(n.dept_prefix) + 1})::integer) FROM pg_roles r"
        f" WHERE starts_with(r.rolname, {_lit(n.dept_prefix)})"
        " AND pg_has_role(session_user, r.oid, 'MEMBER') $$;"
    )
    run(
        "CREATE OR REPLACE FUNCTION kd_holds(mid integer) RETURNS boolean LANGUAGE sql STABLE"
        ' AS $$ SELECT EXISTS (SELECT 1 FROM "measure_department" md'
        " WHERE md.measure_id = mid AND md.department_id = kd_department_id()) $$;"
    )
    run(
        "CREATE OR REPLACE FUNCTION kd_holds_indicator(iid integer) RETURNS boolean"
        ' LANGUAGE sql STABLE AS $$ SELECT EXISTS (SELECT 1 FROM "indicator" i'
        " WHERE i.id = iid AND kd_holds(i.measure_id)) $$;"
    )
    run(
        "CREATE OR REPLACE FUNCTION kd_own_batch(bid integer) RETURNS boolean LANGUAGE sql"
        ' STABLE AS $$ SELECT EXISTS (SELECT 1 FROM "change_batch" b'
        ' WHERE b.id = bid AND b."user" = session_user) $$;'
    )
    # the result columns a department may write, and on which rows
    run(
        'GRANT INSERT ("measure_id", "fy", "plan_text", "result_text", "status", "target",'
        f' "actual"), UPDATE ("result_text", "status") ON "measure_year" TO {dept}'
    )
    run(
        'GRANT INSERT ("indicator_id", "fy", "actual", "figure"), UPDATE ("actual", "figure")'
        f' ON "indicator_value" TO {dept}'
    )
    run(
        'GRANT INSERT ("at", "user", "role", "source", "description", "undoes"),'
        f' UPDATE ("undone_by") ON "change_batch" TO {dept}'
    )
    run(f'GRANT INSERT ON "change", "indicator_change" TO {dept}')
    run(f'GRANT SELECT, INSERT, UPDATE, DELETE ON "draft" TO {dept}')
    run(
        'GRANT UPDATE ("settled_at", "settled_by", "settled_how", "settled_batch")'
        f' ON "exchange_conflict" TO {dept}'
    )
    policies: dict[str, list[tuple[str, str, str | None]]] = {
        # table: [(command, USING, WITH CHECK)]
        "measure_year": [
            ("UPDATE", "kd_holds(measure_id)", "kd_holds(measure_id)"),
            ("INSERT", None, "kd_holds(measure_id) AND plan_text = '' AND target IS NULL"
             " AND actual IS NULL"),
        ],
        "indicator_value": [
            ("UPDATE", "kd_holds_indicator(indicator_id)", "kd_holds_indicator(indicator_id)"),
            ("INSERT", None, "kd_holds_indicator(indicator_id)"),
        ],
        "change_batch": [
            ("INSERT", None, '"user" = session_user AND undone_by IS NULL'),
            ("UPDATE", '"user" = session_user', '"user" = session_user'),
        ],
        "change": [("INSERT", None, "kd_holds(measure_id) AND kd_own_batch(batch_id)")],
        "indicator_change": [
            ("INSERT", None, "kd_holds_indicator(indicator_id) AND kd_own_batch(batch_id)")
        ],
        "draft": [("ALL", _OWN + " AND kd_holds(measure_id)", _OWN + " AND kd_holds(measure_id)")],
        "exchange_conflict": [("UPDATE", "kd_holds(measure_id)", "kd_holds(measure_id)")],
    }  # fmt: skip
    for table, rules in policies.items():
        t = q(table)
        # a person's drafts are nobody else's, the secretariat's included
        everyone = _OWN if table == "draft" else "true"
        run(f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY")
        run(f"DROP POLICY IF EXISTS kd_secretariat ON {t}")
        run(
            f"CREATE POLICY kd_secretariat ON {t} TO {q(n.secretariat)}"
            f" USING ({everyone}) WITH CHECK ({everyone})"
        )
        run(f"DROP POLICY IF EXISTS kd_read ON {t}")
        if table != "draft":
            run(f"CREATE POLICY kd_read ON {t} FOR SELECT TO {dept} USING (true)")
        for i, (command, using, check) in enumerate(rules):
            name = f"kd_department_{i}"
            run(f"DROP POLICY IF EXISTS {name} ON {t}")
            sql = f"CREATE POLICY {name} ON {t} FOR {command} TO {dept}"
            if using:
                sql += f" USING ({using})"
            if check:
                sql += f" WITH CHECK ({check})"
            run(sql)
    pg_audit.install(db, n.secretariat, n.department)


def _department_role(db: Database, n: RoleNames, department_id: int) -> str:
    role = n.dept(department_id)
    db.execute_sql(
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = "
        f"{_lit(role)}) THEN CREATE ROLE {q(role)} NOLOGIN IN ROLE {q(n.department)}; END IF;"
        " END $$;"
    )
    return role


@dataclass(frozen=True)
class LoginRole:
    secretariat: bool
    department: str | None


def login_role(db: Database, dbname: str) -> LoginRole | None:
    """What `session_user` is: the secretariat, a department, or neither (None). The owner
    of the database (who ran init) and a superuser count as the secretariat."""
    n = names(dbname)
    superuser, owner = db.execute_sql(
        "SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = session_user),"
        " (SELECT d.datdba = (SELECT oid FROM pg_roles WHERE rolname = session_user)"
        "  FROM pg_database d WHERE d.datname = current_database())"
    ).fetchone()
    member = _role_exists(db, n.secretariat) and bool(
        db.execute_sql("SELECT pg_has_role(session_user, ?, 'MEMBER')", [n.secretariat]).fetchone()[
            0
        ]
    )
    if superuser or owner or member:
        return LoginRole(True, None)
    row = db.execute_sql("SELECT kd_department_id()").fetchone() if _has_function(db) else None
    if row and row[0] is not None:
        name = db.execute_sql('SELECT "name" FROM "department" WHERE "id" = ?', [row[0]]).fetchone()
        if name:
            return LoginRole(False, str(name[0]))
    return None


def is_owner(db: Database) -> bool:
    """The login owns the database (or is a superuser): it may change the schema."""
    return bool(
        db.execute_sql(
            "SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = session_user) OR"
            " (SELECT d.datdba = (SELECT oid FROM pg_roles WHERE rolname = session_user)"
            "  FROM pg_database d WHERE d.datname = current_database())"
        ).fetchone()[0]
    )


def installed(db: Database, dbname: str) -> bool:
    return _role_exists(db, names(dbname).secretariat)


def complete(db: Database) -> bool:
    """Every object install() makes is there (false for a database installed by an older
    app: install() again, as its owner)."""
    return pg_audit.installed(db)


def _role_exists(db: Database, role: str) -> bool:
    return bool(db.execute_sql("SELECT 1 FROM pg_roles WHERE rolname = ?", [role]).fetchone())


def _has_function(db: Database) -> bool:
    return bool(db.execute_sql("SELECT to_regproc('kd_department_id') IS NOT NULL").fetchone()[0])


def add_user(
    db: Database, dbname: str, login: str, password: str | None, department: str | None
) -> None:
    """A login in the secretariat's role (department None) or a department's."""
    if not _LOGIN.match(login):
        raise InvalidValue(
            f"ログイン名は半角の英小文字・数字・「_ . -」で、英字か「_」で始めます: {login}"
        )
    n = names(dbname)
    if not _role_exists(db, n.secretariat):
        raise StoreError("このサーバーのデータベースはまだ init --secretariat で設定されていません")
    if department is None:
        group = n.secretariat
    else:
        row = db.execute_sql(
            'SELECT "id" FROM "department" WHERE "name" = ?', [department]
        ).fetchone()
        if row is None:
            raise InvalidValue(f"担当課「{department}」はありません", department=department)
        group = _department_role(db, n, int(row[0]))
    if _role_exists(db, login):
        # logins belong to the whole server: one made for another database (the same person
        # there) joins this database's role, keeping its password; one of this database is
        # refused
        current = dict(users(db, dbname)).get(login)
        if current is not None:
            raise InvalidValue(f"ログイン「{login}」は既にあります（{current}）", login=login)
        db.execute_sql(f"GRANT {q(group)} TO {q(login)}")
        return
    sql = f"CREATE ROLE {q(login)} LOGIN IN ROLE {q(group)}"
    if password:
        sql += f" PASSWORD {_lit(password)}"
    try:
        db.execute_sql(sql)
    except Exception as exc:  # noqa: BLE001 - worded below; anything else re-raised
        if "permission denied" in str(exc).lower():
            raise PermissionDenied(
                "ログインを作る権限がありません（CREATEROLE を持つ管理者のログインで実行してください）"
            ) from exc
        raise


def users(db: Database, dbname: str) -> list[tuple[str, str]]:
    """(login, 事務局 or the department's name) for every login of this database."""
    n = names(dbname)
    rows = db.execute_sql(
        "SELECT u.rolname, g.rolname FROM pg_roles u JOIN pg_auth_members m ON m.member = u.oid"
        " JOIN pg_roles g ON g.oid = m.roleid WHERE u.rolcanlogin"
        " AND (g.rolname = ? OR starts_with(g.rolname, ?)) ORDER BY g.rolname, u.rolname",
        [n.secretariat, n.dept_prefix],
    ).fetchall()
    depts = dict(db.execute_sql('SELECT "id", "name" FROM "department"').fetchall())
    out = []
    for login, group in rows:
        if group == n.secretariat:
            out.append((str(login), "事務局"))
        else:
            out.append((str(login), str(depts.get(int(group[len(n.dept_prefix) :]), group))))
    return out
