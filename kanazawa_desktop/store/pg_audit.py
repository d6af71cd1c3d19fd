"""Every change of a result on a server is in the history, even one made with raw SQL.

A department login may write its own measures' result columns (store/pg_security). The app
records each save as a `change_batch` with `change` rows (repository.apply_changes); a login
using psql directly would change the value and record nothing. So the server checks, at
commit, every row a department wrote to "measure_year" (result_text, status) or
"indicator_value" (actual, figure): a changed value must have a `change` row of a batch of
the SAME transaction, for the same measure, year and field, whose `new` is the value now
stored (compared as jsonb: 12.0 and 12 are the same number). A value without one is
recorded by the server itself: one batch per transaction (user = the login, source 'sql',
description データベースを直接変更) and one change row per value, old and new as JSON.

- A batch's transaction is `change_batch.kd_xact`, a server-only column defaulting to the
  top-level transaction id (txid_current() is the same inside savepoints, which is how
  peewee nests atomic()). A department's INSERT grant on change_batch lists its columns and
  not this one, so it cannot claim another transaction's batch; copy-from copies only the
  file's columns and leaves it to the default.
- The trigger is a deferred constraint trigger: it runs at commit, after the app has
  written its change rows. Its WHEN condition is evaluated at the write itself, so the
  secretariat's and the owner's writes (plan loading, init: values without batches) are
  not even queued; the function checks again who the login is before recording.
- SECURITY INVOKER: the department inserts its own batch and change rows under the policies
  it already has (its own login as the batch's user, its own measures only).
- The value of an indicator no measure owns (a plan's KPI) is not audited here: no
  department may write one (pg_security's policies).
"""

from __future__ import annotations

from peewee import Database

SOURCE = "sql"
DESCRIPTION = "データベースを直接変更"
# the app's time format, datetime.now().astimezone().isoformat(timespec="seconds")
_AT = "to_char(now(), 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM')"


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def statements(secretariat: str, department: str) -> list[str]:
    """The column, functions and triggers; idempotent (run at every install). `secretariat`
    and `department` are the database's roles (pg_security.names)."""
    src, desc = _lit(SOURCE), _lit(DESCRIPTION)
    return [
        'ALTER TABLE "change_batch" ADD COLUMN IF NOT EXISTS "kd_xact" bigint NOT NULL'
        " DEFAULT txid_current()",
        # who is audited: not a superuser, not the database's owner, not the secretariat
        # (pg_has_role alone would not do: a superuser is a member of every role, and on
        # PostgreSQL 16 a CREATEROLE login may be one of the roles it created)
        "CREATE OR REPLACE FUNCTION kd_audited() RETURNS boolean LANGUAGE sql STABLE AS $$"
        " SELECT NOT r.rolsuper AND r.oid <> d.datdba"
        f" AND NOT pg_has_role(r.oid, {_lit(secretariat)}, 'MEMBER')"
        " FROM pg_roles r, pg_database d"
        " WHERE r.rolname = session_user AND d.datname = current_database() $$;",
        # a change row's JSON as jsonb; NULL for text that is no JSON (nothing matches it)
        "CREATE OR REPLACE FUNCTION kd_jsonb(value text) RETURNS jsonb LANGUAGE plpgsql"
        " IMMUTABLE AS $$ BEGIN RETURN value::jsonb; EXCEPTION WHEN others THEN RETURN NULL;"
        " END $$;",
        _RECORD.replace("{source}", src).replace("{description}", desc).replace("{at}", _AT),
        _TRIGGER_FUNCTION,
        *_triggers(secretariat, department),
    ]


# One value written: nothing if unchanged (an INSERT: empty), nothing if the app recorded it
# in this transaction (a change row with one of `names` and this new value; the server's own
# batch does not count, so a value changed twice is recorded twice), else a change row in
# the transaction's 'sql' batch, made by the first value that needs it.
_RECORD = """
CREATE OR REPLACE FUNCTION kd_audit_value(inserted boolean, mid integer, year integer,
    field text, names text[], old_value jsonb, new_value jsonb)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  bid integer;
  stamp text := {at};
  who text := COALESCE((SELECT d."name" FROM "department" d WHERE d.id = kd_department_id()),
                       'department');
BEGIN
  IF inserted THEN
    old_value := NULL;
    IF new_value IS NULL OR new_value = '""'::jsonb THEN RETURN; END IF;
  ELSIF old_value IS NOT DISTINCT FROM new_value THEN
    RETURN;
  END IF;
  -- no value (SQL NULL) is JSON null, as the app records None
  old_value := COALESCE(old_value, 'null'::jsonb);
  new_value := COALESCE(new_value, 'null'::jsonb);
  IF EXISTS (SELECT 1 FROM "change" c JOIN "change_batch" b ON b.id = c.batch_id
             WHERE b.kd_xact = txid_current() AND b.source <> {source}
               AND b."user" = session_user::text AND c.measure_id = mid AND c.fy = year
               AND c.field = ANY (names) AND kd_jsonb(c.new) = new_value) THEN
    RETURN;
  END IF;
  SELECT b.id INTO bid FROM "change_batch" b
   WHERE b.kd_xact = txid_current() AND b.source = {source} AND b."user" = session_user::text
     AND b."at" = stamp AND b."role" = who AND b.description = {description}
     AND b.undoes IS NULL AND b.undone_by IS NULL
   ORDER BY b.id LIMIT 1;
  IF bid IS NULL THEN
    INSERT INTO "change_batch" ("at", "user", "role", "source", "description")
    VALUES (stamp, session_user::text, who, {source}, {description}) RETURNING id INTO bid;
  END IF;
  INSERT INTO "change" ("batch_id", "measure_id", "fy", "field", "old", "new")
  VALUES (bid, mid, year, field, old_value::text, new_value::text);
END $$;
"""

# The field names are the app's (domain/fields.py, repository._indicator_id): a measure's
# first indicator (lowest position) writes its actual as 'actual', the others as
# 'actual:<key>'; a figure is always 'figure:<key>'.
_TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION kd_audit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  inserted boolean := TG_OP = 'INSERT';
  mid integer;
  ikey text;
  first boolean;
BEGIN
  IF NOT kd_audited() THEN RETURN NULL; END IF;
  IF TG_TABLE_NAME = 'measure_year' THEN
    PERFORM kd_audit_value(inserted, NEW.measure_id, NEW.fy, 'result_text',
      ARRAY['result_text'], CASE WHEN inserted THEN NULL ELSE to_jsonb(OLD.result_text) END,
      to_jsonb(NEW.result_text));
    PERFORM kd_audit_value(inserted, NEW.measure_id, NEW.fy, 'status', ARRAY['status'],
      CASE WHEN inserted THEN NULL ELSE to_jsonb(OLD.status) END, to_jsonb(NEW.status));
    RETURN NULL;
  END IF;
  SELECT i.measure_id, i."key", NOT EXISTS (
           SELECT 1 FROM "indicator" j WHERE j.measure_id = i.measure_id
              AND (j."position", j.id) < (i."position", i.id))
    INTO mid, ikey, first
    FROM "indicator" i WHERE i.id = NEW.indicator_id;
  IF mid IS NULL THEN RETURN NULL; END IF;
  PERFORM kd_audit_value(inserted, mid, NEW.fy,
    CASE WHEN first THEN 'actual' ELSE 'actual:' || ikey END,
    CASE WHEN first THEN ARRAY['actual', 'actual:' || ikey] ELSE ARRAY['actual:' || ikey] END,
    CASE WHEN inserted THEN NULL ELSE to_jsonb(OLD.actual) END, to_jsonb(NEW.actual));
  PERFORM kd_audit_value(inserted, mid, NEW.fy, 'figure:' || ikey, ARRAY['figure:' || ikey],
    CASE WHEN inserted THEN NULL ELSE to_jsonb(OLD.figure) END, to_jsonb(NEW.figure));
  RETURN NULL;
END $$;
"""


def _triggers(secretariat: str, department: str) -> list[str]:
    # queued only for a department's login (a cheap filter at the write; kd_audited() decides)
    when = (
        f"pg_has_role(session_user, {_lit(department)}, 'MEMBER')"
        f" AND NOT pg_has_role(session_user, {_lit(secretariat)}, 'MEMBER')"
    )
    out = []
    for table in ("measure_year", "indicator_value"):
        out.append(f'DROP TRIGGER IF EXISTS kd_audit ON "{table}"')
        out.append(
            f'CREATE CONSTRAINT TRIGGER kd_audit AFTER INSERT OR UPDATE ON "{table}"'
            " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW"
            f" WHEN ({when}) EXECUTE FUNCTION kd_audit()"
        )
    return out


def install(db: Database, secretariat: str, department: str) -> None:
    """Run by the owner, in a transaction (pg_security.install calls it)."""
    for sql in statements(secretariat, department):
        db.execute_sql(sql)


def installed(db: Database) -> bool:
    return bool(db.execute_sql("SELECT to_regproc('kd_audit') IS NOT NULL").fetchone()[0])
