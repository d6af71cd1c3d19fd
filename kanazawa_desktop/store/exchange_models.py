"""peewee models of the workbook exchange (schema version 2, migration m0002_exchange).

* `exchange_export`: every workbook issued (who, when, scope, department, file name);
  the 回収状況 shows when each department's workbook went out.
* `exchange_import`: every returned workbook applied (or found to change nothing): the
  hash of its cell content (so the same file twice applies nothing the second time), the
  batch it wrote (the unit of undo) and the conflicts it left open (JSON list).
* `exchange_issued`: every workbook issued, by the checksum of its manifest (version 4).
* `exchange_conflict`: each conflict an import left open, and how it was settled (version 9).
* `exchange_base`: on a department PC, the value each field had in the last master
  workbook imported: the merge base of the department's own exports.
"""

from __future__ import annotations

from peewee import SQL, CompositeKey, ForeignKeyField, IntegerField, TextField

from .base import BaseModel


class DbExport(BaseModel):
    at = TextField()
    user = TextField()
    scope = TextField()  # master | department
    department = TextField(default="")
    file_name = TextField(default="")
    rows = IntegerField(default=0)
    plan_code = TextField(null=True)  # version 7; NULL: before, the first plan
    deadline = TextField(null=True)  # version 10: 回収期限, ISO date; NULL: none

    class Meta:
        table_name = "exchange_export"


class DbImport(BaseModel):
    at = TextField()
    user = TextField()
    file_name = TextField(default="")
    content_hash = TextField(index=True)
    scope = TextField()
    department = TextField(default="")
    batch_id = IntegerField(null=True)
    applied = IntegerField(default=0)
    conflicts = TextField(default="[]")  # JSON list of open conflicts
    undone = IntegerField(default=0)
    # Department PC: the sync base entries this import changed, [key, fy, field, had, old, new]
    # as JSON, so undoing it puts the base back (schema version 3).
    base_changes = TextField(null=True)
    issued_at = TextField(null=True)  # when the imported workbook was written (its manifest)
    # schema version 4: which manifest (two fillings of one issued workbook share it), who
    # issued it and its sequence there, and when the file was last saved
    manifest_checksum = TextField(null=True, index=True)
    issuer_uid = TextField(null=True)
    sequence = IntegerField(null=True)
    saved_at = TextField(null=True)
    plan_code = TextField(null=True)  # version 7; NULL: before, the first plan

    class Meta:
        table_name = "exchange_import"


class DbIssued(BaseModel):
    """Every workbook this database wrote: its manifest's checksum (schema version 4).

    The id is the issue sequence carried in the manifest (format 4)."""

    checksum = TextField(unique=True)
    at = TextField()
    scope = TextField()
    department = TextField()
    issued_at = TextField()

    class Meta:
        table_name = "exchange_issued"


class _FieldValue(BaseModel):
    """One value per measure, fiscal year and field, as JSON."""

    measure_key = TextField()
    fy = IntegerField()
    field = TextField()
    value = TextField()  # JSON

    class Meta:
        primary_key = CompositeKey("measure_key", "fy", "field")


class DbSyncBase(_FieldValue):
    class Meta:
        table_name = "exchange_base"


class DbSent(_FieldValue):
    """On a department PC: what its latest return carried for each of its fields since the
    last sync (schema version 3); cleared by the next sync."""

    class Meta:
        table_name = "exchange_sent"


class DbConflict(BaseModel):
    """A conflict an import left open, and how it was settled (schema version 9).

    `master` and `file` are JSON; `settled_how` is file | master | value | edit; `settled_batch`
    the batch that wrote the settled value (NULL when nothing needed writing)."""

    imported = ForeignKeyField(DbImport, column_name="import_id", on_delete="CASCADE")
    measure_id = IntegerField(null=True)
    measure_key = TextField()
    fy = IntegerField()
    field = TextField()
    what = TextField()
    master = TextField()
    file = TextField()
    blank = IntegerField(default=0)
    settled_at = TextField(null=True)
    settled_by = TextField(null=True)
    settled_how = TextField(null=True)
    settled_batch = IntegerField(null=True, index=True)
    kind = TextField(
        default="conflict", constraints=[SQL("DEFAULT 'conflict'")]
    )  # v10: conflict | invalid (a value refused)

    class Meta:
        table_name = "exchange_conflict"
        indexes = ((("measure_id", "field"), False),)


EXCHANGE_MODELS = [DbExport, DbImport, DbSyncBase, DbSent, DbIssued, DbConflict]
