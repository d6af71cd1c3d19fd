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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from pathlib import Path

from ..domain import fields as F
from ..domain.changes import Changes
from ..domain.errors import InvalidValue, PermissionDenied, RoleChangeRefused, StoreError
from ..domain.filtering import MeasureFilter, SearchIndex, search_text, visible_to
from ..domain.history import Actor, HistoryEntry
from ..domain.location import Location, Server
from ..domain.model import Measure, MeasureRow, Node, Plan
from ..domain.plans import find_plan
from ..domain.text import clean_text
from ..domain.values import field_value, unit_of, validate
from ..store import conflict_repo, fiscal_years, pg_connection, pg_security
from ..store import repository as repo
from ..store.connection import (
    Database,
    SqliteInfo,
    connect,
    discard_new_file,
    write_transaction,
)
from ..store.models import database_proxy
from ..store.pg_connection import ServerInfo
from ..store.plan_loader import load_plan
from ..store.schema import LATEST_VERSION, current_version, ensure_schema, preflight
from . import plan_indicators as plan_ind
from . import remote_changes
from . import undo as undo_mod
from .paths import bundled_plan_bytes, bundled_plans

_OPEN_LOCK = threading.RLock()
PLAN_CODE = "gyosei_keiei"
SAVE_ATTEMPTS = 3  # a save that lost a race on the server is tried again (then it conflicts)

EditKey = tuple[int | None, str]  # (fiscal year or None, field)


@dataclass
class _SharedFile:
    """The file the models are bound to, and how many open desks share its database."""

    db: Database
    info: DbInfo
    path: Location
    refs: int = 1


_shared: _SharedFile | None = None  # under _OPEN_LOCK
DbInfo = SqliteInfo | ServerInfo


@dataclass(frozen=True)
class SaveResult:
    batch_id: int | None
    changes: list[F.FieldChange]
    delta: Changes = dataclass_field(default_factory=Changes)  # what the views must refresh


class Desk:
    """An open database. Not thread-safe: use one Desk per thread."""

    def __init__(self, db: Database, info: DbInfo, path: Location) -> None:
        self.db = db
        self.info = info
        self.path = path
        self._file: _SharedFile | None = None  # set by open(): the desks sharing this database
        self._role_cache: tuple[F.Role | None] | None = None
        self._nodes_cache: list[Node] | None = None
        self._plan_cache: Plan | None = None
        self._closed_cache: tuple[str, dict[int, fiscal_years.Closing]] | None = None
        # every measure's row and its prepared search text, kept while no other connection
        # commits (PRAGMA data_version) and updated row by row after this desk's own changes
        self._rows_cache: list[MeasureRow] | None = None
        self._visible_cache: tuple[list[MeasureRow], F.Role | None, list[MeasureRow]] | None = None
        self._index: SearchIndex | None = None
        self._seen_version: int | None = None
        self._generation = 0  # bumped whenever the kept rows and index are dropped
        self._stale: set[int] | None = None  # measures changed while an index is being built
        self._pending = Changes()  # what changed since the last take_changes()
        self._plan_code = PLAN_CODE  # the plan this desk works on (use_plan switches)
        # this session's undo/redo, per plan (services/undo.py)
        self._undo_stacks: dict[str, undo_mod.UndoStack] = {}
        self.source = "form"

    # ---- opening ----------------------------------------------------------
    @classmethod
    def open(cls, path: Location, *, create: bool = True) -> Desk:
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
            return cls._open(path if isinstance(path, Server) else Path(path), create)

    @classmethod
    def _open(cls, path: Location, create: bool) -> Desk:
        global _shared
        shared = _shared
        if shared is not None and database_proxy.obj is shared.db and shared.path == path:
            shared.db.connect(reuse_if_open=True)
            shared.refs += 1
            again = cls(shared.db, shared.info, path)
            again._file = shared
            return again
        if isinstance(path, Server):
            return cls._open_server(path, create)
        existed = _existing(path, create)
        try:
            preflight(path)  # read-only: quick_check, version against tables
            db, info = connect(path, verify=False)
        except BaseException:
            if not existed:
                discard_new_file(path)
            raise
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
        desk._file = _shared = _SharedFile(db, info, path)
        return desk

    @classmethod
    def _open_server(cls, server: Server, create: bool) -> Desk:
        """The same as a file, on a PostgreSQL server: connect, migrate, bind the models.
        Creating the schema is one transaction (PostgreSQL's DDL is transactional)."""
        global _shared
        db, info = pg_connection.connect(server)
        database_proxy.initialize(db)
        try:
            new = current_version(db) is None
            if new and not create:
                raise StoreError(
                    "サーバーのデータベースはまだ作成されていません。事務局が "
                    f"init --secretariat で作成してください: {server.display}",
                    server=server.display,
                )
            if not new:
                cls._migrate_server(db, server)
            desk = cls(db, info, server)
            desk._complete(new)
        except BaseException:
            db.close()
            database_proxy.initialize(None)
            raise
        desk._file = _shared = _SharedFile(db, info, server)
        return desk

    @staticmethod
    def _migrate_server(db: Database, server: Server) -> None:
        """An older server schema is brought up to date by its owner only (DDL), with the
        roles' privileges and policies installed again for what the steps added; anyone
        else is told who must open it first."""
        found = current_version(db)
        if found is None or found > LATEST_VERSION:
            return
        if found == LATEST_VERSION:
            # a database set up before its objects were all there (the audit of raw SQL
            # writes came without a schema step): its owner installs them on opening
            if not pg_security.complete(db) and pg_security.installed(db, server.dbname):
                if pg_security.is_owner(db):
                    with write_transaction(db):
                        pg_security.install(db, server.dbname)
            return
        if not pg_security.is_owner(db):
            raise StoreError(
                f"サーバーのデータベースの形式（{found}）が、このアプリ（{LATEST_VERSION}）より"
                "古くなっています。事務局（データベースの所有者）が新しいアプリで一度開くと"
                f"更新されます: {server.display}",
                found=found,
            )
        ensure_schema(db, None)
        if pg_security.installed(db, server.dbname):
            with write_transaction(db):
                pg_security.install(db, server.dbname)

    def _complete(self, new: bool) -> None:
        """Create (new) or finish (a bundled plan or the identity missing: a database made
        before the plan was bundled) the database in one transaction."""
        missing = [] if new else self._missing_plans()
        if not new and not missing and repo.get_meta("database_uid"):
            return  # nothing to write: no write lock taken on an ordinary open
        with write_transaction(self.db):
            if new:
                ensure_schema(self.db, self.path if isinstance(self.path, Path) else None)
                missing = self._missing_plans()
            for code, name in missing:
                self._load_bundled(code, name)
            if not repo.get_meta("database_uid"):
                repo.set_meta("database_uid", uuid.uuid4().hex)

    def _missing_plans(self) -> list[tuple[str, str]]:
        have = {p.code for p in repo.plans()}
        return [(code, name) for code, name in bundled_plans() if code not in have]

    def _load_bundled(self, code: str, name: str) -> None:
        raw = bundled_plan_bytes(name)
        load_plan(self.db, json.loads(raw))
        key = "plan_data_sha256" if code == PLAN_CODE else f"plan_data_sha256:{code}"
        repo.set_meta(key, hashlib.sha256(raw).hexdigest())

    def close(self) -> None:
        """Release this desk; the last one closes the file and unbinds the models."""
        with _OPEN_LOCK:
            if getattr(self, "_closed", False):
                return
            self._closed = True
            global _shared
            shared = self._file
            if shared is not None:
                shared.refs -= 1
                if shared.refs > 0:
                    return
                if _shared is shared:
                    _shared = None
            if not self.db.is_closed():
                self.db.close()
            pg_connection.close_listener(self.db)
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
        if isinstance(self.path, Server):  # on a server the login decides, not a setting
            found = pg_security.login_role(self.db, self.path.dbname)
            if found is None:
                return None
            return F.Role() if found.secretariat else F.Role(department=found.department)
        kind = repo.get_meta("role")
        if kind == "secretariat":
            return F.Role()
        if kind == "department":
            return F.Role(department=repo.get_meta("department"))
        return None

    def set_role(
        self, *, department: str | None = None, secretariat: bool = False, force: bool = False
    ) -> F.Role:
        """Remember whose PC this database is; an unknown department is refused with the list.

        Turning the secretariat's database into a department's, or the reverse, is refused
        (RoleChangeRefused, nothing written) unless `force`: the secretariat's database holds
        every department's returns, a department's only its own. A forced change is recorded
        (role_changes()); a new database or a change between departments is not a crossing.
        """
        if secretariat == (department is not None):
            raise InvalidValue("担当課か事務局のどちらか一方を指定してください")
        if isinstance(self.path, Server):
            return self._set_server_role(department)
        if department is not None:
            known = self.departments()
            if department not in known:
                raise InvalidValue(
                    f"担当課「{department}」はありません。次のいずれかを指定してください: "
                    + "、".join(known),
                    department=department,
                    known=known,
                )
        before = self.role
        new = F.Role() if secretariat else F.Role(department=department)
        # the role this database leaves when it crosses between secretariat and department
        crossing = (
            before if before is not None and before.is_secretariat != new.is_secretariat else None
        )
        if crossing is not None and not force:
            raise RoleChangeRefused(
                f"このデータベースは{crossing.label}のものです。{new.label}に変えるには"
                "明示的な指定が必要です（コマンドでは --force）",
                current=crossing.label,
                requested=new.label,
            )
        with write_transaction(self.db):
            repo.set_meta("role", "secretariat" if secretariat else "department")
            if department:
                repo.set_meta("department", department)
            if crossing is not None:
                log = json.loads(repo.get_meta("role_changes") or "[]")
                log.append(
                    {
                        "at": repo.now_iso(),
                        "user": self.actor.user,
                        "from": crossing.label,
                        "to": new.label,
                    }
                )
                repo.set_meta("role_changes", json.dumps(log, ensure_ascii=False))
        self._role_cache = None
        self.absorb(Changes(structure=True))
        return self.role  # type: ignore[return-value]

    def role_changes(self) -> list[dict[str, str]]:
        """Every forced change between the secretariat's and a department's role, oldest
        first: {"at", "user", "from", "to"}."""
        return list(json.loads(repo.get_meta("role_changes") or "[]"))

    def _set_server_role(self, department: str | None) -> F.Role:
        """On a server the login is the role. `init --secretariat` by the database's owner
        installs the roles, privileges and row policies (services/server_users adds logins);
        a department is never chosen here: it is the login's (`user add --department`)."""
        assert isinstance(self.path, Server)
        if department is not None:
            raise PermissionDenied(
                "サーバーでは担当課はログインで決まります。事務局が "
                f"user add ログイン名 --department {department} でログインを作ります"
            )
        current = self.role
        if current is None or not current.is_secretariat:
            raise PermissionDenied(
                f"このログイン（{self.info_login}）は事務局ではありません。"
                "事務局の設定はデータベースの所有者が行います"
            )
        if not pg_security.is_owner(self.db):
            # a member of the secretariat's role, which only the owner's setting up made
            return F.Role()
        with write_transaction(self.db):
            pg_security.install(self.db, self.path.dbname)
            repo.set_meta("role", "secretariat")
        self._role_cache = None
        return F.Role()

    @property
    def info_login(self) -> str:
        return getattr(self.info, "login", "")

    @property
    def actor(self) -> Actor:
        role = self.role
        if isinstance(self.path, Server):  # who wrote it is the login, never the PC's user
            return Actor(user=self.info_login, role=role.label if role else "未設定")
        return Actor.current(role.label if role else "未設定")

    @property
    def database_uid(self) -> str:
        return repo.get_meta("database_uid") or ""

    # ---- reads ------------------------------------------------------------
    @property
    def plan(self) -> Plan:
        """The plan this desk works on: the 行政経営プラン unless use_plan() chose another."""
        # no _check_fresh here: a worker thread's connection has its own data_version, and
        # dropping the caches in the middle of its operation broke an import's undo
        plan = self._plan_cache
        if plan is None or plan.code != self._plan_code:  # read a few times per keystroke
            plan = repo.plan_by_code(self._plan_code)
            if plan is None:
                raise StoreError("計画データがありません")
            self._plan_cache = plan
        return plan

    def plans(self) -> list[Plan]:
        return repo.plans()

    def use_plan(self, key: str) -> Plan:
        """Work on the plan `key` — its code, or a part of its name that only it has
        (「総合戦略」); InvalidValue naming the plans otherwise."""
        plan = find_plan(self.plans(), key)
        if plan.code != self._plan_code:
            self._plan_code = plan.code
            self._drop_caches()
            self._visible_cache = None
            self._pending = self._pending | Changes(structure=True)
        return plan

    @contextmanager
    def on_plan(self, code: str) -> Iterator[Plan]:
        """Work on the plan `code` for the block, then on the one before (a workbook of
        another plan is previewed and applied in its own plan)."""
        before = self._plan_code
        plan = self.use_plan(code)
        try:
            yield plan
        finally:
            if self._plan_code != before:
                self.use_plan(before)

    @property
    def undo_stack(self) -> undo_mod.UndoStack:
        return self._undo_stacks.setdefault(self._plan_code, undo_mod.UndoStack())

    def departments(self) -> list[str]:
        return repo.departments()

    def nodes(self) -> list[Node]:
        """The plan's hierarchy (kept until it changes)."""
        self._check_fresh()
        if self._nodes_cache is None:
            self._nodes_cache = repo.nodes(self.plan.id)
        return list(self._nodes_cache)

    def rows(
        self, flt: MeasureFilter | None = None, *, all_departments: bool = False
    ) -> list[MeasureRow]:
        """Measures this role sees, in printed order, narrowed by `flt`.

        Served from rows and a search index kept in memory: a keystroke in the search box
        reads nothing from the database."""
        role = None if all_departments else self.role
        rows = self._visible_rows(role)
        if flt is None:
            return list(rows)
        found = self._search_index().find(flt.text) if flt.text.strip() else None
        if found is not None:
            rows = [r for r in rows if r.id in found]
        rest = replace(flt, text="")
        if rest != MeasureFilter():  # a call per row only when something is left to check
            rows = [r for r in rows if rest.matches(r)]
        return list(rows)

    def _visible_rows(self, role: F.Role | None) -> list[MeasureRow]:
        """The role's rows, kept until the rows change (a keystroke filters these, not all)."""
        rows = self._all_rows()
        kept = self._visible_cache
        if kept is None or kept[0] is not rows or kept[1] != role:
            everything = role is None or role.is_secretariat
            kept = (rows, role, rows if everything else [r for r in rows if visible_to(role, r)])
            self._visible_cache = kept
        return kept[2]

    def _check_fresh(self) -> None:
        version = repo.data_version(self.db)
        if version != self._seen_version:  # another connection committed: read again
            self._seen_version = version
            self._drop_caches()

    def _drop_caches(self) -> None:
        self._rows_cache = self._index = self._nodes_cache = self._plan_cache = None
        self._closed_cache = None
        self._generation += 1

    def held_departments(self) -> set[str]:
        """The departments holding an item of the plan (【再掲】 rows aside), from the rows kept
        in memory: reading every measure whole for this cost 2.9 s at 20,000 measures."""
        return {d for r in self._all_rows() if r.repeat_of is None for d in r.departments}

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
            self._stale = None
        return self._index

    def search_ready(self) -> bool:
        """Whether a search can be answered without reading every measure's texts."""
        self._check_fresh()
        return self._index is not None

    def search_index_job(self) -> SearchIndexJob:
        """A job that builds the search index on another thread; give what its run() returns
        to adopt_search_index() on this desk's thread.

        The job gets a snapshot of the rows and reads the texts in chunks through its own
        thread's connection (peewee opens one per thread; SQLite connections must not be
        shared between threads), so the window can paint and take keystrokes meanwhile, and
        a writer waits at most one chunk's read on a rollback journal. Measures this desk
        changes meanwhile are remembered and read again when the index is adopted."""
        rows = list(self._all_rows())
        self._stale = set()
        return SearchIndexJob(self.db, self.plan.id, rows, self._generation)

    def adopt_search_index(self, job: SearchIndexJob, index: SearchIndex | None) -> bool:
        """Take the index `job` built, unless the rows changed under it; True when taken."""
        self._check_fresh()
        if index is None or job.generation != self._generation or self._index is not None:
            return self._index is not None
        stale = sorted(self._stale or ())
        self._stale = None
        if stale:
            rows = {r.id: r for r in self._all_rows() if r.id in set(stale)}
            texts = repo.search_texts(self.plan.id, stale if len(stale) <= 500 else None)
            index.update({mid: search_text(r, texts.get(mid, "")) for mid, r in rows.items()})
        self._index = index
        return True

    def remote_changes(self) -> Changes:
        """What other people committed on the server since the last call, absorbed into the
        kept rows like this desk's own changes (and so in the next take_changes()). Empty
        for a file, whose other writers the window does not follow."""
        if not isinstance(self.path, Server):
            return Changes()
        payloads = pg_connection.take_inbox(self.db)
        if not payloads:
            return Changes()
        changes = remote_changes.changes_of(payloads, repo.batch_changes)
        # absorbed here row by row: not a reason for _check_fresh to read everything again
        self._seen_version = repo.data_version(self.db)
        return self.absorb(changes) if changes else changes

    def on_remote(self, callback: Callable[[], None] | None) -> None:
        """`callback()`, from any thread, when others' changes wait for remote_changes() but
        the server socket no longer shows them (this desk's freshness check read them)."""
        if isinstance(self.path, Server):
            pg_connection.on_pending(self.db, callback)

    def server_socket(self) -> int | None:
        """The socket that becomes readable when someone commits (None for a file)."""
        return pg_connection.socket(self.db) if isinstance(self.path, Server) else None

    def take_changes(self) -> Changes:
        """What this desk's mutations changed since the last call (for the window's broadcast)."""
        out, self._pending = self._pending, Changes()
        return out

    def absorb(self, changes: Changes) -> Changes:
        """Bring the kept rows up to date after a change made through this desk; returns it.

        Every mutation calls it (services outside this class too), so the rows a view reads
        next are current, and take_changes() says what to refresh."""
        self._pending = self._pending | changes
        if changes.fiscal:
            self._closed_cache = None
        if changes.structure or changes.nodes:
            self._drop_caches()
        elif changes.measures and self._rows_cache is not None:
            ids = sorted(changes.measures)
            fresh = {
                r.id: r
                for r in (
                    repo.measure_rows(self.plan.id, ids)
                    if len(ids) <= 500
                    else repo.measure_rows(self.plan.id)
                )
                if r.id in changes.measures
            }
            self._rows_cache = [fresh.get(r.id, r) for r in self._rows_cache]
            if self._index is None and self._stale is not None:
                self._stale |= changes.measures  # a job is building the index from older texts
            if self._index is not None:
                texts = repo.search_texts(self.plan.id, ids if len(ids) <= 500 else None)
                self._index.update(
                    {mid: search_text(r, texts.get(mid, "")) for mid, r in fresh.items()}
                )
        return changes

    def disagreements(self, rows: list[MeasureRow]) -> dict[int, dict[int, str]]:
        """Per measure of `rows`, the years whose chosen 計画達成状況 its indicators judge
        otherwise, with their judgement (the 一覧 marks them); read in batches of 500.
        Nothing once this desk is closed (a view's late refresh after its window closed)."""
        out: dict[int, dict[int, str]] = {}
        if getattr(self, "_closed", False):
            return out
        for i in range(0, len(rows), 500):
            out.update(repo.disagreements(rows[i : i + 500]))
        return out

    def measure(self, measure_id: int) -> Measure:
        return repo.get_measure(measure_id)

    def measures(self, department: str | None = None) -> list[Measure]:
        """Every measure, complete, in printed order; with `department`, only its own (read
        by a query on that department, not filtered after reading the whole plan)."""
        return repo.all_measures(self.plan.id, department)

    def history(self, measure_id: int) -> list[HistoryEntry]:
        return repo.history(measure_id)

    def can_edit(self, measure: Measure, field: str, fy: int | None = None) -> bool:
        """May this PC's role change `field` (of year `fy`) of `measure`? Not a closed year's."""
        role = self.role
        if fy is not None and fy in self.closed_years():
            return False
        return role is not None and F.can_edit(
            role, measure.departments, field, is_repeat=measure.is_repeat, retired=measure.retired
        )

    def closed_years(self) -> dict[int, fiscal_years.Closing]:
        """The plan's closed fiscal years (services/fiscal_years.py closes and re-opens them)."""
        kept = self._closed_cache  # dropped with the caches (another PC's close: on refresh)
        if kept is None or kept[0] != self._plan_code:
            kept = self._closed_cache = (self._plan_code, fiscal_years.closed(self._plan_code))
        return kept[1]

    # ---- writes -----------------------------------------------------------
    def save(
        self,
        measure_id: int,
        edits: dict[EditKey, object],
        *,
        source: str | None = None,
        description: str = "",
        base: Measure | None = None,
    ) -> SaveResult:
        """Save field edits of one measure as one undoable batch.

        `base` is the measure as the person saw it when they began typing (the form's). A
        field that someone else saved in between is then a ConflictError carrying both
        values, never a silent overwrite; without it the values are compared with what is
        stored now (a command, an assignment table)."""
        return self.save_many(
            {measure_id: edits},
            source=source,
            description=description,
            bases={measure_id: base} if base is not None else None,
        )

    def save_many(
        self,
        edits: dict[int, dict[EditKey, object]],
        *,
        source: str | None = None,
        description: str = "",
        bases: dict[int, Measure] | None = None,
    ) -> SaveResult:
        """Save field edits of several measures as one undoable batch (an assignment of
        departments from a table): all or nothing. A field saved settles the conflicts an
        import left open on it (the value saved wins), in the same transaction.

        On a server two saves of one row at once are serialized by PostgreSQL; the one that
        loses is tried again here, and then meets the other's value (ConflictError when it
        saved from `bases`)."""
        for attempt in range(1, SAVE_ATTEMPTS + 1):
            try:
                return self._save_many(edits, source, description, bases or {})
            except StoreError as exc:
                if attempt == SAVE_ATTEMPTS or not pg_connection.is_serialization_failure(exc):
                    raise
        raise AssertionError("unreachable")

    def _save_many(
        self,
        edits: dict[int, dict[EditKey, object]],
        source: str | None,
        description: str,
        bases: dict[int, Measure],
    ) -> SaveResult:
        changes = []
        for measure_id, fields in edits.items():
            changes += self._changes_for(bases.get(measure_id) or self.measure(measure_id), fields)
        actor, batch = self.actor, None
        written = [c for c in changes if not repo.same_value(c.old, c.new)]
        if written:  # nothing to write takes no write lock
            with write_transaction(self.db):
                batch = repo.apply_changes(
                    self.db, written, actor, source or self.source, description
                )
                conflict_repo.settle_edited(written, actor.user, batch)
        self.undo_stack.push(batch)
        applied = written
        for measure_id, fields in edits.items():
            if applied or fields:
                repo.drop_drafts(self.db, measure_id, list(fields.keys()))
        return SaveResult(batch, applied, self.absorb(Changes.of(applied, batch)))

    def _changes_for(self, measure: Measure, edits: dict[EditKey, object]) -> list[F.FieldChange]:
        changes = []
        for (fy, field), value in edits.items():
            if not self.can_edit(measure, field):
                raise PermissionDenied(
                    f"{F.label(field)}を変更する権限がありません（{measure.number_label}）",
                    field=field,
                    measure_id=measure.id,
                )
            new = validate(field, value, unit=unit_of(measure, field))
            node_key = self._node_key(measure.node_id) if field == "node" else None
            old = field_value(measure, field, fy, node_key=node_key)
            changes.append(
                F.FieldChange(measure_id=measure.id, field=field, old=old, new=new, fy=fy)
            )
        return changes

    def _node_key(self, node_id: int) -> str | None:
        return next((n.key for n in self.nodes() if n.id == node_id), None)

    def add_measure(
        self, *, node_key: str, name: str, departments: list[str], numeric: bool = False
    ) -> int:
        """Secretariat: a new measure under `node_key`, numbered after the last one."""
        role = self.role
        if role is None or not role.is_secretariat:
            raise PermissionDenied("取組を追加できるのは事務局だけです")
        name = str(validate("name", name))
        names = validate("departments", list(departments))  # as a save keeps them
        assert isinstance(names, list)
        if not names:
            raise InvalidValue("担当課を1つ以上指定してください")
        measure_id = repo.create_measure(
            self.db, self.plan.id, node_key, name, names, numeric, self.actor
        )
        self.absorb(Changes.of([], created=[measure_id]))
        return measure_id

    def _node_edit(self, node_id: int, title: str, what: str) -> tuple[Node, str]:
        role = self.role
        if role is None or not role.is_secretariat:
            raise PermissionDenied(f"{what}できるのは事務局だけです")
        title = " ".join(clean_text(str(title or "")).split())  # one line, as printed in the path
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
            node_id = repo.insert_node(
                self.plan.id, key=key, parent_key=parent.key, level=level, label=label, title=title
            )
            repo.apply_changes(
                self.db,
                [],
                self.actor,
                self.source,
                f"体系を追加 {label}",
                created_nodes=[(node_id, f"{label} {title}")],
            )
        self.absorb(Changes.of([], created_nodes=[node_id]))
        return node_id

    def rename_node(self, node_id: int, title: str) -> int | None:
        """Secretariat: rename a 方針/項目/小項目 node, as one undoable batch."""
        node, title = self._node_edit(node_id, title, "体系の名称を変更")
        change = F.FieldChange(
            measure_id=0, field="title", old=node.title, new=title, node_id=node_id
        )
        batch = repo.apply_changes(
            self.db, [change], self.actor, self.source, f"体系の名称を変更 {node.label}"
        )
        self.absorb(Changes.of([change], batch))
        self.undo_stack.push(batch)
        return batch

    # ---- the plan's own 数値目標: services/plan_indicators.py ---------------
    def plan_indicators(self) -> list[plan_ind.IndicatorGroup]:
        """The plan's indicators no measure owns (基本目標's 数値目標, plan KPIs), grouped."""
        return plan_ind.plan_indicators(self)

    def save_plan_indicators(self, edits: dict[plan_ind.ValueKey, object]) -> SaveResult:
        """Secretariat: their values, (indicator id, fy, "actual"|"figure") -> value, as one
        undoable batch."""
        return plan_ind.save_plan_indicators(self, edits)

    def plan_indicator_history(self) -> list[HistoryEntry]:
        return plan_ind.plan_indicator_history(self)

    # ---- undo/redo: services/undo.py --------------------------------------
    def can_undo(self) -> bool:
        return self.undo_stack.can_undo()

    def can_redo(self) -> bool:
        return self.undo_stack.can_redo()

    def undo(self) -> list[F.FieldChange]:
        """Revert this session's last saved batch; refused if later changes touched its fields."""
        return self.undo_stack.undo(self)

    def redo(self) -> list[F.FieldChange]:
        return self.undo_stack.redo(self)

    def undo_batch(self, batch_id: int, *, source: str = "undo") -> list[F.FieldChange]:
        """Write back the old values of a whole batch (an import, a save) atomically."""
        return undo_mod.undo_batch(self, batch_id, source=source)

    def undo_past(self, batch_id: int) -> list[F.FieldChange]:
        """Undo a past edit chosen in the history; refused when later edits touched one of
        its fields or the role may not change them (services/undo.py undo_past)."""
        return undo_mod.undo_past(self, batch_id)

    # ---- drafts (unsaved typing survives a crash) ----------------------------
    def put_draft(self, measure_id: int, fy: int | None, field: str, text: str) -> None:
        repo.put_draft(self.db, measure_id, fy, field, text)

    def drop_drafts(self, measure_id: int, keys: list[EditKey] | None = None) -> None:
        """Forget a measure's drafts: all of them, or those of `keys` ((fy, field))."""
        repo.drop_drafts(self.db, measure_id, keys)

    def drafts(self) -> dict[int, dict[EditKey, str]]:
        return repo.drafts(self.db)


class SearchIndexJob:
    """Builds a SearchIndex from a snapshot of rows on a worker thread (Desk.search_index_job)."""

    CHUNK = 500  # measures per read: a short read lock each, and bounded IN (...) lists

    def __init__(self, db: Database, plan_id: int, rows: list[MeasureRow], generation: int) -> None:
        self.db, self.plan_id, self.rows, self.generation = db, plan_id, rows, generation
        self.cancelled = threading.Event()

    def run(self) -> SearchIndex | None:
        """The index, or None when cancelled or the database went away (the desk closed)."""
        index = SearchIndex()
        try:
            for start in range(0, len(self.rows), self.CHUNK):
                if self.cancelled.is_set():
                    return None
                part = self.rows[start : start + self.CHUNK]
                texts = repo.search_texts(self.plan_id, [r.id for r in part])
                index.update({r.id: search_text(r, texts.get(r.id, "")) for r in part})
        except Exception:  # noqa: BLE001 - closed under it: the next search builds it again
            return None
        finally:
            if not self.db.is_closed():
                self.db.close()  # this thread's own connection only (peewee keeps one per thread)
        return index


def _existing(path: Path, create: bool) -> bool:
    """Whether `path` holds something; without `create` a missing or empty file is refused."""
    try:
        size = path.stat().st_size if path.exists() else None
    except OSError as exc:
        raise StoreError(
            f"データベースファイルを開けません: {path}（{exc.strerror}）", path=str(path)
        ) from exc
    if not create and size is None:
        raise StoreError(f"データベースファイルがありません: {path}", path=str(path))
    if not create and size == 0:
        raise StoreError(f"データベースファイルが空です: {path}", path=str(path))
    return size is not None
