"""The open desk: one database, its role and plan, and the use cases on its measures.

Both the window and the command line work through a Desk. Every mutation checks the role's
permissions, validates values, writes one batch (see store.repository.apply_changes) and
returns the changes it made so views can refresh themselves.
"""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from pathlib import Path

from ..domain import fields as F
from ..domain.changes import Changes
from ..domain.errors import InvalidValue, PermissionDenied, StoreError
from ..domain.filtering import MeasureFilter, SearchIndex, search_text, visible_to
from ..domain.history import Actor, HistoryEntry
from ..domain.model import Measure, MeasureRow, Node, Plan
from ..domain.status import Status
from ..domain.text import clean_text
from ..store import repository as repo
from ..store.connection import SqliteInfo, connect, discard_new_file, write_transaction
from ..store.models import database_proxy
from ..store.plan_loader import load_plan
from ..store.schema import current_version, ensure_schema, preflight
from .paths import bundled_plan_bytes

EXCEL_CELL_LIMIT = 32767
_OPEN_LOCK = threading.RLock()
PLAN_CODE = "gyosei_keiei"

EditKey = tuple[int | None, str]  # (fiscal year or None, field)


@dataclass(frozen=True)
class SaveResult:
    batch_id: int | None
    changes: list[F.FieldChange]
    delta: Changes = dataclass_field(default_factory=Changes)  # what the views must refresh


class Desk:
    """An open database. Not thread-safe: use one Desk per thread."""

    def __init__(self, db, info: SqliteInfo | None, path: Path | None) -> None:
        self.db = db
        self.info = info
        self.path = path
        self._role_cache: tuple[F.Role | None] | None = None
        self._nodes_cache: list[Node] | None = None
        # every measure's row and its prepared search text, kept while no other connection
        # commits (PRAGMA data_version) and updated row by row after this desk's own changes
        self._rows_cache: list[MeasureRow] | None = None
        self._index: SearchIndex | None = None
        self._seen_version: int | None = None
        self._pending = Changes()  # what changed since the last take_changes()
        self._undo: list[int] = []
        self._redo: list[int] = []
        self.source = "form"

    # ---- opening ----------------------------------------------------------
    @classmethod
    def open(cls, path: Path, *, create: bool = True) -> Desk:
        """Open the database at `path`, migrated and holding the plan and its identity.

        With `create` (init, the window's first start) a missing or empty file becomes a new
        database; without it (every other command) such a path is refused with StoreError and
        nothing is created. Creating is one transaction (tables, schema version, bundled plan,
        database_uid, plan sha): a run killed halfway leaves no half-made database, and a file
        this call created is removed again if creating fails (a full disk). A database found
        without identity (made before identity was written in the same transaction) gets one
        here, so every export carries a uid.

        The models are bound to one database per process (peewee's proxy); opening the same
        file again shares it (peewee gives each thread its own connection), opening another
        file rebinds the models to that one.
        """
        with _OPEN_LOCK:
            return cls._open(Path(path), create)

    @classmethod
    def _open(cls, path: Path, create: bool) -> Desk:
        current = database_proxy.obj
        if current is not None and getattr(current, "desk_info", None) is not None \
                and current.desk_info.path == path:
            current.connect(reuse_if_open=True)
            current.desk_refs += 1
            return cls(current, current.desk_info, path)
        existed = _existing(path, create)
        try:
            preflight(path)  # read-only: quick_check, version against tables
            db, info = connect(path, verify=False)
        except BaseException:
            if not existed:
                discard_new_file(path)
            raise
        db.desk_info = info
        db.desk_refs = 1
        database_proxy.initialize(db)
        try:
            new = current_version(db) is None
            if new and not create:
                raise StoreError(f"データベースファイルが空です: {path}", path=str(path))
            if not new:
                ensure_schema(db, path)
            desk = cls(db, info, path)
            desk._complete(new)
        except BaseException:
            db.close()
            database_proxy.initialize(None)
            if not existed:
                discard_new_file(path)
            raise
        return desk

    def _complete(self, new: bool) -> None:
        """Create (new) or finish (plan, identity missing) the database in one transaction."""
        if not new and repo.plan_by_code(PLAN_CODE) is not None and repo.get_meta("database_uid"):
            return  # nothing to write: no write lock taken on an ordinary open
        with write_transaction(self.db):
            if new:
                ensure_schema(self.db, self.path)
            if repo.plan_by_code(PLAN_CODE) is None:
                self._load_bundled()
            if not repo.get_meta("database_uid"):
                repo.set_meta("database_uid", uuid.uuid4().hex)

    def _load_bundled(self) -> None:
        raw = bundled_plan_bytes()
        load_plan(self.db, json.loads(raw))
        repo.set_meta("plan_data_sha256", hashlib.sha256(raw).hexdigest())

    def close(self) -> None:
        """Release this desk; the last one closes the file and unbinds the models."""
        with _OPEN_LOCK:
            if getattr(self, "_closed", False):
                return
            self._closed = True
            self.db.desk_refs -= 1
            if self.db.desk_refs <= 0:
                if not self.db.is_closed():
                    self.db.close()
                if database_proxy.obj is self.db:
                    database_proxy.initialize(None)

    def __enter__(self) -> Desk:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- role -------------------------------------------------------------
    @property
    def role(self) -> F.Role | None:
        if self._role_cache is None:
            self._role_cache = (self._read_role(),)
        return self._role_cache[0]

    def _read_role(self) -> F.Role | None:
        kind = repo.get_meta("role")
        if kind == "secretariat":
            return F.Role()
        if kind == "department":
            return F.Role(department=repo.get_meta("department"))
        return None

    def set_role(self, *, department: str | None = None, secretariat: bool = False) -> F.Role:
        """Remember whose PC this database is; an unknown department is refused with the list."""
        if secretariat == (department is not None):
            raise InvalidValue("担当課か事務局のどちらか一方を指定してください")
        if department is not None:
            known = self.departments()
            if department not in known:
                raise InvalidValue(f"担当課「{department}」はありません。次のいずれかを指定してください: "
                                   + "、".join(known), department=department, known=known)
        with write_transaction(self.db):
            repo.set_meta("role", "secretariat" if secretariat else "department")
            if department:
                repo.set_meta("department", department)
        self._role_cache = None
        self.absorb(Changes(structure=True))
        return self.role  # type: ignore[return-value]

    @property
    def actor(self) -> Actor:
        role = self.role
        return Actor.current(role.label if role else "未設定")

    @property
    def database_uid(self) -> str:
        return repo.get_meta("database_uid") or ""

    # ---- reads ------------------------------------------------------------
    @property
    def plan(self) -> Plan:
        plan = repo.plan_by_code(PLAN_CODE)
        if plan is None:
            raise StoreError("計画データがありません")
        return plan

    def departments(self) -> list[str]:
        return repo.departments()

    def nodes(self) -> list[Node]:
        """The plan's hierarchy (kept until it changes)."""
        self._check_fresh()
        if self._nodes_cache is None:
            self._nodes_cache = repo.nodes(self.plan.id)
        return list(self._nodes_cache)

    def rows(self, flt: MeasureFilter | None = None, *, all_departments: bool = False) -> list[MeasureRow]:
        """Measures this role sees, in printed order, narrowed by `flt`.

        Served from rows and a search index kept in memory: a keystroke in the search box
        reads nothing from the database."""
        role = None if all_departments else self.role
        rows = [r for r in self._all_rows() if visible_to(role, r)]
        if flt is None:
            return rows
        found = self._search_index().find(flt.text) if flt.text.strip() else None
        rest = replace(flt, text="")
        return [r for r in rows if (found is None or r.id in found) and rest.matches(r)]

    def _check_fresh(self) -> None:
        version = repo.data_version(self.db)
        if version != self._seen_version:  # another connection committed: read again
            self._seen_version = version
            self._rows_cache = self._index = self._nodes_cache = None

    def _all_rows(self) -> list[MeasureRow]:
        self._check_fresh()
        if self._rows_cache is None:
            self._rows_cache = repo.measure_rows(self.plan.id)
        return self._rows_cache

    def _search_index(self) -> SearchIndex:
        rows = self._all_rows()
        if self._index is None:
            texts = repo.search_texts(self.plan.id)
            self._index = SearchIndex({r.id: search_text(r, texts.get(r.id, "")) for r in rows})
        return self._index

    def take_changes(self) -> Changes:
        """What this desk's mutations changed since the last call (for the window's broadcast)."""
        out, self._pending = self._pending, Changes()
        return out

    def absorb(self, changes: Changes) -> Changes:
        """Bring the kept rows up to date after a change made through this desk; returns it.

        Every mutation calls it (services outside this class too), so the rows a view reads
        next are current, and take_changes() says what to refresh."""
        self._pending = self._pending | changes
        if changes.structure or changes.nodes:
            self._rows_cache = self._index = self._nodes_cache = None
        elif changes.measures and self._rows_cache is not None:
            ids = sorted(changes.measures)
            fresh = {r.id: r for r in (repo.measure_rows(self.plan.id, ids) if len(ids) <= 500
                                       else repo.measure_rows(self.plan.id)) if r.id in changes.measures}
            self._rows_cache = [fresh.get(r.id, r) for r in self._rows_cache]
            if self._index is not None:
                texts = repo.search_texts(self.plan.id, ids if len(ids) <= 500 else None)
                self._index.update({mid: search_text(r, texts.get(mid, "")) for mid, r in fresh.items()})
        return changes

    def measure(self, measure_id: int) -> Measure:
        return repo.get_measure(measure_id)

    def measures(self, department: str | None = None) -> list[Measure]:
        """Every measure, complete, in printed order; with `department`, only its own (read
        by a query on that department, not filtered after reading the whole plan)."""
        return repo.all_measures(self.plan.id, department)

    def history(self, measure_id: int) -> list[HistoryEntry]:
        return repo.history(measure_id)

    def can_edit(self, measure: Measure, field: str) -> bool:
        role = self.role
        return role is not None and F.can_edit(role, measure.departments, field,
                                               is_repeat=measure.is_repeat, retired=measure.retired)

    # ---- writes -----------------------------------------------------------
    def save(self, measure_id: int, edits: dict[EditKey, object], *, source: str | None = None,
             description: str = "") -> SaveResult:
        """Save field edits of one measure as one undoable batch."""
        measure = self.measure(measure_id)
        changes = []
        for (fy, field), value in edits.items():
            if not self.can_edit(measure, field):
                raise PermissionDenied(
                    f"{F.LABELS.get(field, field)}を変更する権限がありません（{measure.number_label}）",
                    field=field, measure_id=measure_id)
            new = validate(field, value)
            old = repo.read_field(measure_id, field, fy)
            changes.append(F.FieldChange(measure_id=measure_id, field=field, old=old, new=new, fy=fy))
        batch = repo.apply_changes(self.db, changes, self.actor, source or self.source, description)
        if batch is not None:
            self._undo.append(batch)
            self._redo.clear()
        applied = [c for c in changes if not repo.same_value(c.old, c.new)]
        if applied or edits:
            repo.drop_drafts(self.db, measure_id, list(edits.keys()))
        return SaveResult(batch, applied, self.absorb(Changes.of(applied, batch)))

    def add_measure(self, *, node_key: str, name: str, departments: list[str],
                    numeric: bool = False) -> int:
        """Secretariat: a new measure under `node_key`, numbered after the last one."""
        role = self.role
        if role is None or not role.is_secretariat:
            raise PermissionDenied("取組を追加できるのは事務局だけです")
        name = str(validate("name", name))
        if not departments:
            raise InvalidValue("担当課を1つ以上指定してください")
        measure_id = repo.create_measure(self.db, self.plan.id, node_key, name, list(departments),
                                         numeric, self.actor)
        self.absorb(Changes.of([], created=[measure_id]))
        return measure_id

    def _node_edit(self, node_id: int, title: str, what: str) -> tuple[Node, str]:
        role = self.role
        if role is None or not role.is_secretariat:
            raise PermissionDenied(f"{what}できるのは事務局だけです")
        title = " ".join(str(title or "").split())  # one line, as printed in the path
        if not title:
            raise InvalidValue("体系の名称は空にできません")
        if len(title) > 200:
            raise InvalidValue(f"体系の名称が長すぎます（{len(title)}文字。上限は200文字）")
        node = next((n for n in self.nodes() if n.id == node_id), None)
        if node is None:
            raise InvalidValue(f"体系が見つかりません: {node_id}")
        return node, title

    def add_node(self, parent_id: int, title: str) -> int:
        """Secretariat: a new 項目/小項目 under `parent_id`, after its last child (not undoable,
        like adding a measure)."""
        parent, title = self._node_edit(parent_id, title, "体系を追加")
        if parent.level >= len(self.plan.levels):
            raise InvalidValue(f"{self.plan.levels[-1]}の下には追加できません")
        with write_transaction(self.db):
            key, level, label = repo.next_child(self.plan.id, parent.key)
            node_id = repo.insert_node(self.plan.id, key=key, parent_key=parent.key, level=level,
                                       label=label, title=title)
            repo.apply_changes(self.db, [], self.actor, self.source, f"体系を追加 {label}",
                               created_nodes=[(node_id, f"{label} {title}")])
        self.absorb(Changes.of([], created_nodes=[node_id]))
        return node_id

    def rename_node(self, node_id: int, title: str) -> int | None:
        """Secretariat: rename a 方針/項目/小項目 node, as one undoable batch."""
        node, title = self._node_edit(node_id, title, "体系の名称を変更")
        change = F.FieldChange(measure_id=0, field="title", old=node.title, new=title, node_id=node_id)
        batch = repo.apply_changes(self.db, [change], self.actor, self.source,
                                   f"体系の名称を変更 {node.label}")
        self.absorb(Changes.of([change], batch))
        if batch is not None:
            self._undo.append(batch)
            self._redo.clear()
        return batch

    def can_undo(self) -> bool:
        return bool(self._undo)

    def can_redo(self) -> bool:
        return bool(self._redo)

    def undo(self) -> list[F.FieldChange]:
        """Revert this session's last saved batch; refused if later changes touched its fields."""
        if not self._undo:
            return []
        batch = self._undo[-1]
        changes = self.undo_batch(batch, source="undo")
        self._undo.pop()
        self._redo.append(batch)
        return changes

    def redo(self) -> list[F.FieldChange]:
        if not self._redo:
            return []
        batch = self._redo[-1]
        changes = repo.batch_changes(batch)
        new_batch = self._apply_as(changes, "redo", f"やり直し #{batch}")
        self._redo.pop()
        if new_batch is not None:
            self._undo.append(new_batch)
        return changes

    def undo_batch(self, batch_id: int, *, source: str = "undo") -> list[F.FieldChange]:
        """Write back the old values of a whole batch (an import, a save) atomically."""
        info = repo.batch_info(batch_id)
        if info is None:
            raise StoreError(f"変更 #{batch_id} が見つかりません")
        if any(c.field == "created" for c in repo.batch_changes(batch_id)):
            raise StoreError("取組や体系の追加は元に戻せません。不要な取組は「廃止」にしてください")
        if info.undone_by is not None:
            raise StoreError(f"変更 #{batch_id} はすでに元に戻されています")
        inverse = [c.inverse() for c in reversed(repo.batch_changes(batch_id))]
        self._apply_as(inverse, source, f"元に戻す #{batch_id}", undoes=batch_id)
        return inverse

    def _apply_as(self, changes: list[F.FieldChange], source: str, description: str,
                  undoes: int | None = None) -> int | None:
        try:
            batch = repo.apply_changes(self.db, changes, self.actor, source, description, undoes=undoes)
        except repo.ConflictError as exc:
            raise StoreError("後から同じ項目が変更されているため、元に戻せません", **exc.data) from exc
        self.absorb(Changes.of(changes, batch) | Changes(batches=frozenset(
            {undoes} if undoes is not None else ())))
        return batch

    # ---- drafts (unsaved typing survives a crash) ----------------------------
    def put_draft(self, measure_id: int, fy: int | None, field: str, text: str) -> None:
        repo.put_draft(self.db, measure_id, fy, field, text)

    def drop_drafts(self, measure_id: int) -> None:
        repo.drop_drafts(self.db, measure_id)

    def drafts(self) -> dict[int, dict[EditKey, str]]:
        return repo.drafts()


def _existing(path: Path, create: bool) -> bool:
    """Whether `path` holds something; without `create` a missing or empty file is refused."""
    try:
        size = path.stat().st_size if path.exists() else None
    except OSError as exc:
        raise StoreError(f"データベースファイルを開けません: {path}（{exc.strerror}）",
                         path=str(path)) from exc
    if not create and size is None:
        raise StoreError(f"データベースファイルがありません: {path}", path=str(path))
    if not create and size == 0:
        raise StoreError(f"データベースファイルが空です: {path}", path=str(path))
    return size is not None


def validate(field: str, value: object) -> object:
    """Bring a value to the form the store keeps; InvalidValue with a Japanese reason if it can't."""
    label = F.LABELS.get(field, field)
    if field == F.STATUS:
        if isinstance(value, Status):
            return value.value
        try:
            return Status.from_label(str(value or "")).value
        except ValueError as exc:
            raise InvalidValue(f"{label}は「達成」「未達成」「未確定」のいずれかです: {value}") from exc
    if field in (F.TARGET, F.ACTUAL):
        if value is None or value == "":
            return None
        from ..domain.achievement import checked_number, parse_number
        try:
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return checked_number(float(value))
            return parse_number(str(value))
        except ValueError as exc:
            raise InvalidValue(f"{label}は数値で入力してください（数字だけ。単位は付けません）: {value}") from exc
    if field in ("numeric", "retired"):
        return bool(value)
    if field == "departments":
        # one department once: a repeated name would break the measure's department links
        names = [" ".join(str(v).split()) for v in (value or [])]
        return list(dict.fromkeys(n for n in names if n))
    if field in ("related_plans", "resources"):
        return [str(v) for v in (value or [])]
    if field == "number":
        return None if value in (None, "") else int(value)  # type: ignore[arg-type]
    text = clean_text("" if value is None else str(value))
    if len(text) > EXCEL_CELL_LIMIT:
        raise InvalidValue(f"{label}が長すぎます（{len(text)}文字。上限は{EXCEL_CELL_LIMIT}文字）")
    if field == "name" and not text.strip():
        raise InvalidValue("取組事項名は空にできません")
    return text
