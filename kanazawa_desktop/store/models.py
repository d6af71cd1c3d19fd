"""peewee models: the tables of the store.

Bound late through `database_proxy`, so the same models serve a SQLite file now and a
shared PostgreSQL server later. Values kept as JSON text (lists, change values) stay
portable across both.
"""

from __future__ import annotations

from typing import Any

from peewee import (
    SQL,
    BooleanField,
    CompositeKey,
    DoubleField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from .base import BaseModel
from .base import database_proxy as database_proxy  # where callers have always found it


class IntBool(BooleanField):
    """A flag kept as 0/1 in an INTEGER column, as SQLite has always stored it; on a server
    the column is INTEGER too (the same steps), so the value is sent as a number, not as
    PostgreSQL's boolean, and raw SQL such as `retired = 0` means the same on both."""

    field_type = "INTEGER"

    def db_value(self, value: Any) -> int | None:
        return None if value is None else int(bool(value))


class DbMeta(BaseModel):
    """Key/value facts about this database: schema version, role, its uid."""

    key = TextField(primary_key=True)
    value = TextField()

    class Meta:
        table_name = "meta"


class DbPlan(BaseModel):
    code = TextField(unique=True)
    name = TextField()
    first_fy = IntegerField()
    last_fy = IntegerField()
    levels = TextField(default='["方針", "項目", "小項目"]')
    item = TextField(default="取組", constraints=[SQL("DEFAULT '取組'")])  # version 6
    sheet = TextField(default="{}", constraints=[SQL("DEFAULT '{}'")])  # version 7
    glossary = TextField(default="[]", constraints=[SQL("DEFAULT '[]'")])  # version 12

    class Meta:
        table_name = "plan"


class DbNode(BaseModel):
    plan = ForeignKeyField(DbPlan, backref="nodes", on_delete="CASCADE")
    key = TextField()
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="CASCADE")
    level = IntegerField()
    label = TextField()
    title = TextField()
    position = IntegerField()

    class Meta:
        table_name = "node"
        indexes = ((("plan", "key"), True),)


class DbDepartment(BaseModel):
    name = TextField(unique=True)
    position = IntegerField()

    class Meta:
        table_name = "department"


class DbMeasure(BaseModel):
    plan = ForeignKeyField(DbPlan, backref="measures", on_delete="CASCADE")
    key = TextField()
    node = ForeignKeyField(DbNode, backref="measures")
    number = IntegerField(null=True)
    repeat_of = IntegerField(null=True)
    name = TextField()
    list_name = TextField(default="")
    numeric = IntBool(default=False)
    summary = TextField(default="")
    vision = TextField(default="")
    related_plans = TextField(default="[]")
    res_hito = IntBool(default=False)
    res_kane = IntBool(default=False)
    res_mono = IntBool(default=False)
    res_joho = IntBool(default=False)
    retired = IntBool(default=False)
    position = IntegerField()
    ind_name = TextField(default="")
    ind_unit = TextField(default="")
    ind_direction = TextField(default="")
    ind_cumulative = IntBool(default=False)
    ind_note = TextField(default="")

    class Meta:
        table_name = "measure"
        indexes = ((("plan", "key"), True),)


class DbMeasureDepartment(BaseModel):
    measure = ForeignKeyField(DbMeasure, backref="department_links", on_delete="CASCADE")
    department = ForeignKeyField(DbDepartment, backref="measure_links")
    position = IntegerField(default=0)

    class Meta:
        table_name = "measure_department"
        primary_key = CompositeKey("measure", "department")


class DbMeasureYear(BaseModel):
    measure = ForeignKeyField(DbMeasure, backref="year_rows", on_delete="CASCADE")
    fy = IntegerField()
    plan_text = TextField(default="")
    result_text = TextField(default="")
    status = TextField(default="")
    target = DoubleField(null=True)
    actual = DoubleField(null=True)

    class Meta:
        table_name = "measure_year"
        primary_key = CompositeKey("measure", "fy")


class DbBatch(BaseModel):
    """One mutation as a whole: a form save, an import, an undo. The unit of undo."""

    at = TextField()
    user = TextField()
    role = TextField()
    source = TextField()  # form | import | cli | undo | redo | init | sql (store/pg_audit)
    description = TextField(default="")
    undone_by = IntegerField(null=True)
    undoes = IntegerField(null=True)

    class Meta:
        table_name = "change_batch"


class DbChange(BaseModel):
    """One field of one measure changed: old and new as JSON text."""

    batch = ForeignKeyField(DbBatch, backref="changes", on_delete="CASCADE")
    measure = ForeignKeyField(DbMeasure, backref="changes", on_delete="CASCADE")
    fy = IntegerField(null=True)
    field = TextField()
    old = TextField(null=True)
    new = TextField(null=True)

    class Meta:
        table_name = "change"
        indexes = ((("measure", "id"), False),)


class DbDraft(BaseModel):
    """Text typed but not yet saved, kept so a crash or power cut loses nothing. Each
    person's own (version 13): `owner` is the login on a server, '' in a SQLite file."""

    owner = TextField(default="", constraints=[SQL("DEFAULT ''")])  # version 13
    measure = ForeignKeyField(DbMeasure, on_delete="CASCADE")
    fy = IntegerField()  # 0 for a measure-level field
    field = TextField()
    text = TextField()
    updated_at = TextField()

    class Meta:
        table_name = "draft"
        primary_key = CompositeKey("owner", "measure", "fy", "field")


class DbNodeChange(BaseModel):
    """One field of a 方針/項目/小項目 node changed (its title), in a batch (schema version 3)."""

    batch = ForeignKeyField(DbBatch, backref="node_changes", on_delete="CASCADE")
    node = ForeignKeyField(DbNode, backref="changes", on_delete="CASCADE")
    field = TextField()
    old = TextField(null=True)
    new = TextField(null=True)

    class Meta:
        table_name = "node_change"


class DbIndicator(BaseModel):
    """One indicator series (schema version 5); its definition is JSON (indicator_to_dict)."""

    plan = ForeignKeyField(DbPlan, on_delete="CASCADE")
    key = TextField()
    measure = ForeignKeyField(DbMeasure, null=True, on_delete="CASCADE")
    node = ForeignKeyField(DbNode, null=True, on_delete="CASCADE")
    position = IntegerField()
    definition = TextField()

    class Meta:
        table_name = "indicator"
        indexes = ((("plan", "key"), True),)


class DbIndicatorValue(BaseModel):
    indicator = ForeignKeyField(DbIndicator, on_delete="CASCADE")
    fy = IntegerField()
    actual = DoubleField(null=True)
    figure = DoubleField(null=True)

    class Meta:
        table_name = "indicator_value"
        primary_key = CompositeKey("indicator", "fy")


class DbIndicatorChange(BaseModel):
    """One value (actual or outside figure) of an indicator no measure owns — a 基本目標's
    数値目標, a plan's KPI — changed in a fiscal year, in a batch (schema version 8)."""

    batch = ForeignKeyField(DbBatch, backref="indicator_changes", on_delete="CASCADE")
    indicator = ForeignKeyField(DbIndicator, backref="changes", on_delete="CASCADE")
    fy = IntegerField()
    field = TextField()  # "actual" | "figure"
    old = TextField(null=True)
    new = TextField(null=True)

    class Meta:
        table_name = "indicator_change"


class DbNodeDetail(BaseModel):
    """A node's description (schema version 6)."""

    node = ForeignKeyField(DbNode, primary_key=True, on_delete="CASCADE")
    description = TextField()

    class Meta:
        table_name = "node_detail"


class DbMeasureDetail(BaseModel):
    """A measure's plan-specific content as JSON (schema version 6)."""

    measure = ForeignKeyField(DbMeasure, primary_key=True, on_delete="CASCADE")
    details = TextField()

    class Meta:
        table_name = "measure_detail"


class DbFiscalYearEvent(BaseModel):
    """A fiscal year of a plan closed or re-opened (schema version 11); the latest row of a
    plan's year says whether it is closed."""

    plan_code = TextField()
    fy = IntegerField()
    action = TextField()  # "close" | "open"
    at = TextField()
    user = TextField()
    source = TextField()  # "cli" | "gui" | "master" (came with the secretariat's workbook)

    class Meta:
        table_name = "fiscal_year_event"
        indexes = ((("plan_code", "fy"), False),)


CORE_MODELS = [
    DbMeta,
    DbPlan,
    DbNode,
    DbDepartment,
    DbMeasure,
    DbMeasureDepartment,
    DbMeasureYear,
    DbBatch,
    DbChange,
    DbNodeChange,
    DbDraft,
    DbIndicator,
    DbIndicatorValue,
    DbNodeDetail,
    DbMeasureDetail,
    DbIndicatorChange,
    DbFiscalYearEvent,
]

# The exchange tables live in exchange_models.py; db/*.sql creates every table (the models only
# describe them: tests/store/test_store_schema.py checks they agree).
