"""The manifest: what a workbook must carry to be merged safely, and its checksum.

It lives in the hidden sheet `_manifest`, every cell written as text:

    A1 kanazawa-desk-manifest   B1 <format version>
    key/value rows: plan_code, database_uid, origin_uid, scope, department, issued_at,
    (format 4) sequence, checksum
    a `rows` header naming the columns, then the rows as one compact JSON array split over
    the cells of column A (16,000 characters each, under Excel's 32,767 UTF-16 limit);
    one entry per 入力 row, in the same order: measure key, fiscal year, editable fields,
    取組No. label, the digest of the row's locked cells, and the base values of 実施結果,
    計画達成状況 (code), 実績値; (format 3) what a department PC last sent; (format 5) the
    row's 指標 rows, [indicator key, digest of the row's locked cells] in sheet order, and
    the base values of the measure-year's other indicator fields (`actual:<key>` of every
    indicator but the first, whose actual is the plain 実績値, and `figure:<key>`), one JSON
    object. (JSON in a few cells rather than one cell per value: a returned file's
    manifest then reads in microseconds.)

* `database_uid` – the database that wrote the file; `origin_uid` – the secretariat's
  database its values derive from (the writer's own uid on the secretariat; on a
  department PC, the uid of the master workbook it last imported, or empty).
* The base values are the three-way merge's base. `locked` is a SHA-256 (first 24 hex
  digits) of what the row's locked cells show (取組No., 取組事項名, 担当課, 年度, 実施計画,
  目標値): an edited locked cell changes it. Keeping a digest rather than a copy keeps the
  manifest small, so a returned file reads fast.
* `definitions` (format 2, master workbooks only) – after the rows, a `definitions` row and
  then, chunked the same way, a JSON object: `nodes`, [key, parent key, level, label, title,
  position] of every 方針/項目/小項目 (parents first), and `measures`, one object per measure (【再掲】 and retired ones included): key, 取組No.,
  体系, 取組事項名, 担当課, 概要, めざす姿, 関連計画, 資源, flags, order and numeric
  indicator. A department PC takes the secretariat's definitions from it, new measures
  included. Department workbooks carry empty lists. Since schema 7 a master workbook also
  carries `plan` (code, name, years, levels, item, sheet): a department PC that does not hold
  the plan yet (one the secretariat imported from a plan workbook) adds it from there.
* `checksum` – SHA-256 over the canonical JSON of every other key and the rows' (and
  definitions') JSON text, exactly as written. It detects a manifest edited after export (ids, bases, scope). It is an
  integrity check, not a signature: sheet protection and this checksum together stop
  mistakes and casual edits; the import still validates every value it takes.

Numbers are written as `repr(float)` text and compared as floats; blanks as "".
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from datetime import datetime

from ..domain import fields as F
from ..domain.indicator import indicator_from_dict, indicator_to_dict
from ..domain.model import RESOURCES
from ..domain.status import Status
from .layout import (
    EXCEL_CELL_LIMIT,
    FORMAT_VERSION,
    MANIFEST_MAGIC,
    READABLE_VERSIONS,
    SCOPE_DEPARTMENT,
    SCOPE_MASTER,
)

META_KEYS = ("plan_code", "database_uid", "origin_uid", "scope", "department", "issued_at")
SEQUENCE_KEY = "sequence"  # format 4: the issuing database's register number of this workbook
ROWS_MARK = "rows"
DEFS_MARK = ("definitions", "measures")  # two cells: a JSON chunk row never has a second
CHUNK = 16000  # characters per cell; a character is at most 2 UTF-16 units
ROW_COLUMNS = (
    "measure_key",
    "fy",
    "editable",
    "label",
    "locked",
    "result_text",
    "status",
    "actual",
    "sent",
    "indicators",
    "series",
)
ROW_COLUMNS_V4 = ROW_COLUMNS[:9]
ROW_COLUMNS_V2 = ROW_COLUMNS[:8]


def row_columns(version: int) -> tuple[str, ...]:
    """The manifest rows' columns in a workbook of format `version`."""
    if version >= 5:
        return ROW_COLUMNS
    return ROW_COLUMNS_V4 if version >= 3 else ROW_COLUMNS_V2


SENT_FIELDS = ("result_text", "status", "actual")
STATUS_CODES = frozenset(s.value for s in Status)
_FY = re.compile(r"[0-9]{4}")  # ASCII only: int() would also take "２０２３" and " 2023"
_LOCKED = re.compile(r"[0-9a-f]{24}")
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")  # repr(float), finite
MAX_INT = 2**31 - 1  # ids, numbers and positions: far beyond any plan, within SQLite's range


def _valid_value(field_name: str, value: object) -> bool:
    """A base or sent value of a result field, as the database holds it."""
    if field_name == "status":
        return type(value) is str and value in STATUS_CODES
    if field_name == "actual" or F.split_series(field_name) is not None:
        return value is None or (
            (type(value) is int or type(value) is float) and math.isfinite(value)
        )
    return type(value) is str and len(value) <= EXCEL_CELL_LIMIT


def num_text(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def text_num(text: str) -> float | None:
    if text == "":
        return None
    if not _NUMBER.fullmatch(text) or not math.isfinite(float(text)):
        raise ValueError("number")
    return float(text)


def locked_digest(
    label: str, name: str, departments: str, year: str, plan_text: str, target: float | str | None
) -> str:
    """Digest of a 入力 row's locked cells, as shown (departments joined with 、); a text
    目標値 is the note 「指標シートに入力」 of a measure with several indicators."""
    shown = target if isinstance(target, str) else num_text(target)
    raw = "\x1f".join((label, name, departments, year, plan_text, shown))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:24]


def cells_digest(cells: list[str]) -> str:
    """Digest of a 指標 row's locked cells, each already as text (indicator_sheet.py)."""
    return hashlib.sha256("\x1f".join(cells).encode("utf-8")).hexdigest()[:24]


@dataclass(frozen=True)
class ManifestRow:
    measure_key: str
    fy: int
    editable: frozenset[str]
    label: str
    locked: str
    result_text: str
    status: str  # Status code
    actual: float | None
    # what the department PC last sent for a field since its last sync (format 3), e.g.
    # {"status": "achieved"}: lets the secretariat read a second return as the department's
    # change from its first one, not from the sync
    sent: dict[str, object] = field(default_factory=dict, hash=False, compare=False)
    # format 5: the row's 指標 rows, (indicator key, digest of its locked cells) in sheet
    # order, the first indicator first; and the base values of the other indicator fields
    # (`actual:<key>` but the first indicator's, which is `actual`; `figure:<key>`)
    indicators: tuple[tuple[str, str], ...] = ()
    series: dict[str, float | None] = field(default_factory=dict, hash=False, compare=False)

    @property
    def actual_in_indicator_sheet(self) -> bool:
        """One entry cell per value: a measure with several indicators has its first one's
        実績値 in 指標 too (入力's is locked and empty); with one, it stays in 入力."""
        return len(self.indicators) > 1

    def fields(self) -> tuple[str, ...]:
        """Every input field of the row: 実施結果, 計画達成状況, 実績値, then the series."""
        return (*SENT_FIELDS, *sorted(self.series))

    def cells(self) -> list[str]:
        sent = json.dumps(self.sent, ensure_ascii=False, sort_keys=True) if self.sent else ""
        compact = {"ensure_ascii": False, "separators": (",", ":")}
        inds = (  # most rows have none: no JSON encoder run for them (79,200 rows at 20,000)
            json.dumps([list(i) for i in self.indicators], **compact)  # type: ignore[arg-type]
            if self.indicators
            else ""
        )
        series = (
            json.dumps(self.series, sort_keys=True, **compact)  # type: ignore[arg-type]
            if self.series
            else ""
        )
        return [
            self.measure_key,
            str(self.fy),
            ",".join(sorted(self.editable)),
            self.label,
            self.locked,
            self.result_text,
            self.status,
            num_text(self.actual),
            sent,
            inds,
            series,
        ]

    @classmethod
    def from_cells(cls, cells: list[str]) -> ManifestRow:
        """Strictly typed (ValueError otherwise): a manifest can be edited and its checksum
        recomputed, so every field is checked for its type and domain, as on a PC that has
        no record of what it issued."""
        (key, fy, editable, label, locked, result, status, actual) = cells[:8]
        sent = json.loads(cells[8]) if len(cells) > 8 and cells[8] else {}
        indicators = _indicator_rows(cells[9]) if len(cells) > 9 and cells[9] else ()
        series = json.loads(cells[10]) if len(cells) > 10 and cells[10] else {}
        if not isinstance(series, dict) or not _valid_series(series, indicators):
            raise ValueError("series values")
        known = set(SENT_FIELDS) | set(series)
        fields = [e for e in editable.split(",") if e]
        if (
            not key
            or not _FY.fullmatch(fy)
            or not _LOCKED.fullmatch(locked)
            or len(set(fields)) != len(fields)
            or not set(fields) <= known
        ):
            raise ValueError("manifest row")
        if not isinstance(sent, dict) or any(
            k not in known or not _valid_value(k, v) for k, v in sent.items()
        ):
            raise ValueError("sent values")
        row = cls(
            measure_key=key,
            fy=int(fy),
            editable=frozenset(fields),
            label=label,
            locked=locked,
            result_text=result,
            status=status,
            actual=text_num(actual),
            sent=sent,
            indicators=indicators,
            series=series,
        )
        if not all(_valid_value(f, row.base(f)) for f in SENT_FIELDS):
            raise ValueError("base values")
        return row

    def base(self, field_name: str) -> object:
        if F.split_series(field_name) is not None:
            return self.series.get(field_name)
        return getattr(self, field_name)


def _indicator_rows(text: str) -> tuple[tuple[str, str], ...]:
    """A row's 指標 rows: [[key, digest], ...], keys distinct (ValueError otherwise)."""
    raw = json.loads(text)
    if not isinstance(raw, list) or not all(
        isinstance(r, list)
        and len(r) == 2
        and type(r[0]) is str
        and r[0]
        and type(r[1]) is str
        and _LOCKED.fullmatch(r[1])
        for r in raw
    ):
        raise ValueError("indicator rows")
    out = tuple((r[0], r[1]) for r in raw)
    if len({k for k, _ in out}) != len(out):
        raise ValueError("the same indicator twice")
    return out


def _valid_series(series: dict[str, object], indicators: tuple[tuple[str, str], ...]) -> bool:
    """Base values of indicator fields of the row's own indicators: `actual:<key>` of each
    indicator but the first (exactly those), `figure:<key>` of any; numbers or None."""
    keys = [k for k, _ in indicators]
    for name, value in series.items():
        s = F.split_series(name)
        if s is None or s[1] not in keys or not _valid_value(name, value):
            return False
        if s[0] == F.ACTUAL and s[1] == keys[0]:
            return False  # the first indicator's actual is the plain 実績値
    return all(F.series_field(F.ACTUAL, k) in series for k in keys[1:])


@dataclass(frozen=True)
class MeasureDef:
    """What the secretariat defines for a measure, as a master workbook carries it."""

    key: str
    number: int | None
    repeat_of: int | None
    node: str  # node key
    name: str
    departments: tuple[str, ...]
    summary: str = ""
    vision: str = ""
    related_plans: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    numeric: bool = False
    retired: bool = False
    position: int = 0
    # format 5: the indicators' definitions (domain.indicator.indicator_to_dict); None from
    # an older workbook, which carried one indicator without its targets: a sync then leaves
    # the indicators as they are
    indicators: tuple[dict[str, object], ...] | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "key": self.key,
            "number": self.number,
            "repeat_of": self.repeat_of,
            "node": self.node,
            "name": self.name,
            "departments": list(self.departments),
            "summary": self.summary,
            "vision": self.vision,
            "related_plans": list(self.related_plans),
            "resources": list(self.resources),
            "numeric": self.numeric,
            "retired": self.retired,
            "position": self.position,
            "indicators": list(self.indicators or ()),
        }

    @classmethod
    def from_json(cls, obj: object) -> MeasureDef:
        """Strictly typed: anything else is a damaged manifest (ValueError)."""
        if not isinstance(obj, dict) or set(obj) not in (_DEF_KEYS, _DEF_KEYS_V4):
            raise ValueError("definition keys")
        for name, kind in _DEF_TYPES.items():
            _check(obj[name], kind)
        if not set(obj["resources"]) <= set(RESOURCES) or not obj["key"] or not obj["node"]:
            raise ValueError("definition value")
        indicators = None
        if "indicators" in obj:
            found = obj["indicators"]
            if not isinstance(found, list) or not all(isinstance(d, dict) for d in found):
                raise ValueError("indicators")
            # strict: an unknown kind or a wrong type is a damaged manifest
            indicators = tuple(indicator_to_dict(indicator_from_dict(d)) for d in found)
        else:
            _check_legacy_indicator(obj["indicator"])
        return cls(
            key=obj["key"],
            number=obj["number"],
            repeat_of=obj["repeat_of"],
            node=obj["node"],
            name=obj["name"],
            departments=tuple(obj["departments"]),
            summary=obj["summary"],
            vision=obj["vision"],
            related_plans=tuple(obj["related_plans"]),
            resources=tuple(obj["resources"]),
            numeric=obj["numeric"],
            retired=obj["retired"],
            position=obj["position"],
            indicators=indicators,
        )


@dataclass(frozen=True)
class NodeDef:
    """A 方針/項目/小項目 as a master workbook carries it."""

    key: str
    parent: str  # "" for a 方針
    level: int
    label: str
    title: str
    position: int

    def to_json(self) -> list[object]:
        return [self.key, self.parent, self.level, self.label, self.title, self.position]

    @classmethod
    def from_json(cls, obj: object) -> NodeDef:
        if not (
            isinstance(obj, list)
            and len(obj) == 6
            and all(type(obj[i]) is str for i in (0, 1, 3, 4))
            and obj[0]
            and all(type(obj[i]) is int and 0 <= obj[i] <= MAX_INT for i in (2, 5))
        ):
            raise ValueError("node definition")
        return cls(*obj)


_DEF_TYPES = {
    "key": str,
    "number": "int?",
    "repeat_of": "int?",
    "node": str,
    "name": str,
    "departments": "strs",
    "summary": str,
    "vision": str,
    "related_plans": "strs",
    "resources": "strs",
    "numeric": bool,
    "retired": bool,
    "position": "int",
}
_DEF_KEYS = set(_DEF_TYPES) | {"indicators"}
_DEF_KEYS_V4 = set(_DEF_TYPES) | {"indicator"}  # name, unit, direction, cumulative, note


def _check_legacy_indicator(ind: object) -> None:
    if ind is not None and not (
        isinstance(ind, list)
        and len(ind) == 5
        and all(type(v) is str for v in ind[:3])
        and ind[2] in ("increase", "decrease", "at_least", "at_most")
        and type(ind[3]) is bool
        and type(ind[4]) is str
    ):
        raise ValueError("indicator")


def _check(value: object, kind: object) -> None:
    if kind == "strs":
        ok = type(value) is list and all(type(v) is str for v in value)
    elif kind in ("int", "int?"):
        ok = (value is None and kind == "int?") or (type(value) is int and 0 <= value <= MAX_INT)
    else:
        ok = type(value) is kind
    if not ok:
        raise ValueError("definition value")


@dataclass(frozen=True)
class PlanDef:
    """The plan a master workbook carries beside its definitions, so a department PC that
    does not hold it yet (a plan the secretariat imported from a plan workbook) can add it."""

    code: str
    name: str
    first_fy: int
    last_fy: int
    levels: tuple[str, ...]
    item: str
    sheet: str  # plan.sheet's JSON text (domain.plan_sheet), checked where it is loaded
    # schema 11: the years the secretariat has closed, (fy, when, by whom); a department PC
    # takes them with the sync. Written only when there are some (older readers refuse the key).
    closed: tuple[tuple[int, str, str], ...] = ()
    # schema 12: the plan's 用語解説, (mark, term, text), so a department prints the same notes.
    # Written only when there are some (older readers refuse the key); checked where loaded.
    glossary: tuple[tuple[str, str, str], ...] = ()

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "code": self.code,
            "name": self.name,
            "first_fy": self.first_fy,
            "last_fy": self.last_fy,
            "levels": list(self.levels),
            "item": self.item,
            "sheet": self.sheet,
        }
        if self.closed:
            out["closed"] = [list(c) for c in self.closed]
        if self.glossary:
            out["glossary"] = [list(g) for g in self.glossary]
        return out

    @classmethod
    def from_json(cls, obj: object) -> PlanDef:
        keys = {"code", "name", "first_fy", "last_fy", "levels", "item", "sheet"}
        if not isinstance(obj, dict) or set(obj) - {"closed", "glossary"} != keys:
            raise ValueError("plan")
        closed = _closed(obj.get("closed", []))
        glossary = _glossary(obj.get("glossary", []))
        texts = [obj[k] for k in ("code", "name", "item", "sheet")]
        years = [obj["first_fy"], obj["last_fy"]]
        levels = obj["levels"]
        if (
            not all(isinstance(t, str) and len(t) <= 2000 for t in texts)
            or not all(type(y) is int and 1900 < y < 2200 for y in years)
            or years[1] < years[0]
            or not isinstance(levels, list)
            or not 0 < len(levels) <= 10
            or not all(isinstance(w, str) and 0 < len(w) <= 40 for w in levels)
        ):
            raise ValueError("plan value")
        if any(not years[0] <= c[0] <= years[1] for c in closed):
            raise ValueError("plan closed year")
        return cls(
            obj["code"],
            obj["name"],
            years[0],
            years[1],
            tuple(levels),
            obj["item"],
            obj["sheet"],
            closed,
            glossary,
        )


def _closed(raw: object) -> tuple[tuple[int, str, str], ...]:
    """The closed years as a manifest carries them: [[fy, ISO time, user], ...]."""
    if not isinstance(raw, list) or len(raw) > 100:
        raise ValueError("plan closed")
    out = []
    for c in raw:
        if (
            not isinstance(c, list)
            or len(c) != 3
            or type(c[0]) is not int
            or not all(isinstance(t, str) and len(t) <= 200 for t in c[1:])
        ):
            raise ValueError("plan closed")
        out.append((c[0], c[1], c[2]))
    return tuple(out)


def _glossary(raw: object) -> tuple[tuple[str, str, str], ...]:
    """The glossary as a manifest carries it: [[mark, term, text], ...] (shape and size only:
    domain.glossary checks the entries where the plan is loaded)."""
    if not isinstance(raw, list) or len(raw) > 1000:
        raise ValueError("plan glossary")
    out = []
    for g in raw:
        if (
            not isinstance(g, list)
            or len(g) != 3
            or not all(isinstance(t, str) and len(t) <= 5000 for t in g)
        ):
            raise ValueError("plan glossary")
        out.append((g[0], g[1], g[2]))
    return tuple(out)


@dataclass(frozen=True)
class Manifest:
    plan_code: str
    database_uid: str
    origin_uid: str
    scope: str
    department: str
    issued_at: str
    rows: tuple[ManifestRow, ...] = field(default_factory=tuple)
    definitions: tuple[MeasureDef, ...] = field(default_factory=tuple)
    nodes: tuple[NodeDef, ...] = field(default_factory=tuple)
    plan: PlanDef | None = None  # master workbooks written since schema 7 carry their plan
    version: int = FORMAT_VERSION
    verified: str = ""  # the checksum found valid when read back (saves recomputing it)
    # format 4: this workbook's number in the issuing database's register (exchange_issued):
    # orders two workbooks of one database even when written within the same second
    sequence: int | None = None

    def meta(self) -> dict[str, str]:
        out = {k: getattr(self, k) for k in META_KEYS}
        if self.version >= 4:
            out[SEQUENCE_KEY] = "" if self.sequence is None else str(self.sequence)
        return out

    def rows_json(self) -> str:
        # kept on the (frozen) instance: the checksum, the register and the sheet each need
        # it, and at 80,000 rows it is a second each time
        cached = self.__dict__.get("_rows_json")
        if cached is None:
            width = len(row_columns(self.version))
            cached = self.__dict__["_rows_json"] = json.dumps(
                [r.cells()[:width] for r in self.rows], ensure_ascii=False, separators=(",", ":")
            )
        return cached

    def definitions_json(self) -> str:
        cached = self.__dict__.get("_definitions_json")
        if cached is None:
            body: dict[str, object] = {
                "nodes": [n.to_json() for n in self.nodes],
                "measures": [d.to_json() for d in self.definitions],
            }
            if self.plan is not None:
                body["plan"] = self.plan.to_json()
            cached = self.__dict__["_definitions_json"] = json.dumps(
                body, ensure_ascii=False, separators=(",", ":")
            )
        return cached

    def checksum(self) -> str:
        return self.verified or _digest(
            self.version, self.meta(), self.rows_json(), self.definitions_json()
        )

    def sheet_rows(self) -> list[list[str]]:
        """The manifest sheet's rows, every value a string."""
        out = [[MANIFEST_MAGIC, str(self.version)]]
        out += [[k, v] for k, v in self.meta().items()]
        out.append(["checksum", self.checksum()])
        out.append([ROWS_MARK, *row_columns(self.version)])
        out += _chunks(self.rows_json())
        if self.version >= 2:
            out.append(list(DEFS_MARK))
            out += _chunks(self.definitions_json())
        return out


def _chunks(text: str) -> list[list[str]]:
    return [[text[i : i + CHUNK]] for i in range(0, len(text), CHUNK)]


def _digest(version: int, meta: dict[str, str], rows_json: str, defs_json: str) -> str:
    payload: list[object] = [MANIFEST_MAGIC, str(version), meta, rows_json]
    if version >= 2:
        payload.append(defs_json)
    raw = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ManifestError(ValueError):
    """The manifest is missing, unreadable or does not match its checksum; `kind` says which."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def _text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))  # a re-saving client may have turned "2023" into a number
    return str(v)


def parse(rows: list[list[object]]) -> Manifest:
    """Rebuild and verify a manifest from the sheet's cell values (ManifestError if not sound)."""
    if not rows or len(rows[0]) < 2 or rows[0][0] != MANIFEST_MAGIC:
        raise ManifestError("missing")
    try:
        version = int(_text(rows[0][1]))
    except ValueError as exc:
        raise ManifestError("damaged") from exc
    if version not in READABLE_VERSIONS:
        raise ManifestError("version")
    meta: dict[str, str] = {}
    i = 1
    while i < len(rows) and rows[i] and _text(rows[i][0]) != ROWS_MARK:
        if len(rows[i]) >= 2:
            meta[_text(rows[i][0])] = _text(rows[i][1])
        i += 1
    keys = (*META_KEYS, SEQUENCE_KEY) if version >= 4 else META_KEYS
    if i >= len(rows) or any(k not in meta for k in (*keys, "checksum")):
        raise ManifestError("damaged")
    body_rows = rows[i + 1 :]
    mark = next(
        (
            j
            for j, r in enumerate(body_rows)
            if len(r) >= 2 and (_text(r[0]), _text(r[1])) == DEFS_MARK
        ),
        None,
    )
    if (mark is None) != (version < 2):
        raise ManifestError("damaged")
    row_cells = body_rows if mark is None else body_rows[:mark]
    def_cells = [] if mark is None else body_rows[mark + 1 :]
    text = _joined(row_cells)
    defs_text = _joined(def_cells)
    fields = {k: meta[k] for k in keys}
    if _digest(version, fields, text, defs_text) != meta["checksum"]:
        raise ManifestError("tampered")
    sequence = fields.pop(SEQUENCE_KEY, "")
    if sequence and not (sequence.isascii() and sequence.isdigit()):
        raise ManifestError("damaged")
    width = len(row_columns(version))
    try:
        raw_rows = json.loads(text)
        if not all(
            isinstance(r, list) and len(r) == width and all(isinstance(c, str) for c in r)
            for r in raw_rows
        ):
            raise ValueError("manifest rows")
        _check_meta(fields)
        body = tuple(ManifestRow.from_cells(cells) for cells in raw_rows)
        if len({(r.measure_key, r.fy) for r in body}) != len(body):
            raise ValueError("the same row twice")
        shown = [(k, r.fy) for r in body for k, _ in r.indicators]
        if len(set(shown)) != len(shown):
            raise ValueError("the same 指標 row twice")
        defs, nodes, plan = _definitions(defs_text) if version >= 2 else ((), (), None)
    except (ValueError, TypeError, RecursionError) as exc:  # RecursionError: JSON nested deep
        raise ManifestError("damaged") from exc
    return Manifest(
        rows=body,
        definitions=defs,
        nodes=nodes,
        plan=plan,
        version=version,
        verified=meta["checksum"],
        sequence=int(sequence) if sequence else None,
        **fields,
    )


def _check_meta(meta: dict[str, str]) -> None:
    """Scope, department and the time of issue, by their domain (ValueError otherwise)."""
    if (
        meta["scope"] not in (SCOPE_MASTER, SCOPE_DEPARTMENT)
        or not meta["plan_code"]
        or not meta["database_uid"]
    ):
        raise ValueError("manifest scope")
    if (meta["scope"] == SCOPE_DEPARTMENT) != bool(meta["department"]):
        raise ValueError("manifest department")
    # a time with its offset, as written (now_iso); a naive one could not be compared
    if datetime.fromisoformat(meta["issued_at"]).tzinfo is None:
        raise ValueError("issued_at without offset")


def _definitions(
    text: str,
) -> tuple[tuple[MeasureDef, ...], tuple[NodeDef, ...], PlanDef | None]:
    raw = json.loads(text)
    if not isinstance(raw, dict) or set(raw) - {"plan"} != {"nodes", "measures"}:
        raise ValueError("definitions")
    nodes, measures = raw["nodes"], raw["measures"]
    if not isinstance(nodes, list) or not isinstance(measures, list):
        raise ValueError("definitions")
    plan = PlanDef.from_json(raw["plan"]) if "plan" in raw else None
    return (
        tuple(MeasureDef.from_json(d) for d in measures),
        tuple(NodeDef.from_json(n) for n in nodes),
        plan,
    )


def _joined(cells: list[list[object]]) -> str:
    return "".join(r[0] if type(r[0]) is str else _text(r[0]) for r in cells if r)
