"""Open data: each plan's measures and indicators as CSV, described by a Data Package.

    result = write_opendata(desk, Path("公開"), plan=None)   # every plan; or a key

Per plan two files, `<code>_measures.csv` (one row per measure and fiscal year: plan, the
levels above it, 番号, name, 担当課, 実施計画, 実施結果, 計画達成状況) and `<code>_indicators.csv`
(one row per indicator and fiscal year: 単位, 基準値, 目標値, 実績値, 判定; the plan's own
数値目標 first, as `indicators` lists them), and one `datapackage.json` (Frictionless Data
Package, v1) naming every column with its type, unit and meaning.

What is published is what the printed 取組管理票 shows: no drafts, history, conflicts or
internal ids; retired measures and 【再掲】 re-listings are left out (a re-listing is the same
measure twice). CSV is UTF-8 with a BOM, so Excel opens it as is, CRLF line ends (RFC 4180);
numbers are plain (146000, 98.45), an empty cell is no value.

Every file is written whole (and synced) into a scratch folder inside FOLDER before any is
moved into place (os.replace, one file at a time): a failure while reading or writing leaves
the folder's earlier files untouched, and no reader ever sees half a file.
Only the secretariat's database publishes (a department's PC holds other departments' rows
as of its last master workbook): PermissionDenied otherwise.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain.errors import InvalidValue, PermissionDenied, StoreError
from ..domain.fiscal import short_label
from ..domain.indicator import era_label, exact
from ..domain.model import Plan
from ..domain.plans import find_plan
from ..domain.status import Status
from ..store import repository as repo
from .indicators import indicator_rows
from .progress import Progress, step

if TYPE_CHECKING:
    from .desk import Desk

PACKAGE = "datapackage.json"
STATUS_WORDS = [s.label for s in (Status.PENDING, Status.ACHIEVED, Status.NOT_ACHIEVED)]


@dataclass(frozen=True)
class OpenDataResult:
    folder: Path
    files: tuple[Path, ...]  # every file written, the package last
    rows: int  # data rows over all CSV files


def _field(name: str, type_: str, description: str, **extra: object) -> dict[str, object]:
    return {"name": name, "type": type_, "description": description, **extra}


def measure_fields(plan: Plan) -> list[dict[str, object]]:
    """The measures file's columns, in order (their names are its header)."""
    item = plan.item
    levels = [
        _field(level, "string", f"{item}が属する{level}（番号と名称）") for level in plan.levels
    ]
    return [
        _field("計画", "string", "計画の名称"),
        *levels,
        _field("番号", "string", f"{item}の番号（No.1 など）"),
        _field(f"{item}名", "string", f"{item}の名称"),
        _field("担当課", "string", "担当課（複数のときは「、」区切り）"),
        _field("年度", "string", "年度（令和の略記：R5 = 令和5年度）"),
        _field("西暦年度", "integer", "年度の始まる年（4月から翌年3月まで）"),
        _field("実施計画", "string", "その年度の実施計画"),
        _field("実施結果", "string", "その年度の実施結果"),
        _field(
            "計画達成状況",
            "string",
            "担当課が選んだ計画達成状況",
            constraints={"required": True, "enum": STATUS_WORDS},
        ),
    ]


def indicator_fields() -> list[dict[str, object]]:
    """The indicators file's columns, in order."""
    return [
        _field("計画", "string", "計画の名称"),
        _field("番号", "string", "指標の番号（No.86-1、基本目標1-1 など）"),
        _field("指標名", "string", "指標の名称"),
        _field("所属", "string", "指標が属するもの（No.86、基本目標1、計画全体）"),
        _field("単位", "string", "基準値・実績値・比較する数値の単位"),
        _field("基準値", "number", "基準値（単位は「単位」の列）"),
        _field("基準年度", "string", "基準値の年度（R4、H25 など）"),
        _field("年度", "string", "年度（令和の略記）"),
        _field("西暦年度", "integer", "年度の始まる年（4月から翌年3月まで）"),
        _field(
            "目標値", "string", "その年度の目標（計画の書き方のまま：10%未満、1,000人以上 など）"
        ),
        _field("実績値", "number", "その年度の実績値（単位は「単位」の列）"),
        _field("比較する数値", "number", "目標が外部の数値との比較のとき、その年度の数値"),
        _field("判定", "string", "目標と実績値による判定（達成・未達成・未入力・判定不可）"),
    ]


def _number(value: float | None) -> str:
    if value is None:
        return ""
    v = exact(value)
    return str(int(v)) if v.is_integer() else f"{v:.12g}"


def _measure_rows(desk: Desk, plan: Plan) -> Iterable[list[str]]:
    nodes = {n.id: n for n in repo.nodes(plan.id)}
    for m in repo.all_measures(plan.id):
        if m.retired or m.is_repeat:
            continue
        path: list[str] = []
        nid: int | None = m.node_id
        while nid is not None and nid in nodes:
            path.append(nodes[nid].caption)
            nid = nodes[nid].parent_id
        path.reverse()
        levels = (path + [""] * len(plan.levels))[: len(plan.levels)]
        for fy in plan.years:
            y = m.year(fy)
            yield [
                plan.name,
                *levels,
                m.number_label,
                m.display_name,
                "、".join(m.departments),
                short_label(fy),
                str(fy),
                y.plan_text,
                y.result_text,
                y.status.label,
            ]


def _indicator_rows(desk: Desk, plan: Plan) -> Iterable[list[str]]:
    for r in indicator_rows(desk, plan=plan.code):
        base = r.baseline
        has_base = base.value is not None
        yield [
            plan.name,
            r.key,
            r.name,
            r.owner,
            r.unit,
            _number(base.value),
            era_label(base.year) if has_base and base.year is not None else "",
            short_label(r.fy),
            str(r.fy),
            r.target,
            _number(r.actual),
            _number(r.figure),
            r.judgement.label,
        ]


def _write_csv(path: Path, header: list[str], rows: Iterable[list[str]]) -> int:
    """Rows streamed into `path` (a city's 100,000 rows are never held twice); their count."""
    n = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(header)
        for row in rows:
            w.writerow(row)
            n += 1
        f.flush()
        os.fsync(f.fileno())
    return n


def _resource(
    name: str, path: str, title: str, fields: list[dict[str, object]]
) -> dict[str, object]:
    return {
        "name": name,
        "path": path,
        "title": title,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8-sig",
        "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
        "schema": {"fields": fields, "primaryKey": ["番号", "西暦年度"]},
    }


def write_opendata(
    desk: Desk, folder: Path, plan: str | None = None, progress: Progress | None = None
) -> OpenDataResult:
    """Write the open data of every plan (or of `plan`: a key or a part of a name only one plan
    has) into `folder` (created when its parent exists)."""
    role = desk.role
    if role is None or not role.is_secretariat:
        raise PermissionDenied("オープンデータは事務局のデータベースから書き出します")
    plans = desk.plans() if plan is None else [find_plan(desk.plans(), plan)]
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InvalidValue(f"フォルダーではありません: {folder}", path=str(folder))
    if not folder.parent.is_dir():
        raise InvalidValue(f"フォルダーがありません: {folder.parent}", path=str(folder.parent))
    made = not folder.exists()
    try:
        folder.mkdir(exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=".opendata-", dir=folder))
        try:
            names, total = _write_set(desk, plans, scratch, progress)
            for name in names:
                os.replace(scratch / name, folder / name)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
            if made and not any(folder.iterdir()):
                folder.rmdir()  # cancelled or failed before anything was in place
    except OSError as exc:
        raise StoreError(f"オープンデータを書き出せません: {exc.strerror or exc}") from None
    return OpenDataResult(folder, tuple(folder / name for name in names), total)


def _write_set(
    desk: Desk, plans: list[Plan], scratch: Path, progress: Progress | None
) -> tuple[list[str], int]:
    """Every file into `scratch`: their names (the package last) and the rows written."""
    names: list[str] = []
    resources = []
    total = 0
    for i, p in enumerate(plans):
        step(progress, i, len(plans), p.name)  # Cancelled: nothing is in place yet
        for kind, title, fields, rows in (
            ("measures", f"{p.name} {p.item}の進捗", measure_fields(p), _measure_rows(desk, p)),
            ("indicators", f"{p.name} 指標の実績", indicator_fields(), _indicator_rows(desk, p)),
        ):
            path = f"{p.code}_{kind}.csv"
            total += _write_csv(scratch / path, [str(f["name"]) for f in fields], rows)
            names.append(path)
            resources.append(_resource(f"{p.code}-{kind}".replace("_", "-"), path, title, fields))
    step(progress, len(plans), len(plans), PACKAGE)
    package = {
        "profile": "tabular-data-package",
        "name": "kanazawa-plan-progress",
        "title": "金沢市 計画の取組と指標の進捗",
        "created": repo.now_iso(),
        "resources": resources,
    }
    text = json.dumps(package, ensure_ascii=False, indent=2) + "\n"
    with open(scratch / PACKAGE, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    names.append(PACKAGE)
    return names, total
