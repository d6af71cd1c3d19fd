"""Preview returned workbooks: what each would change, what conflicts, what is refused. Writes nothing.

`preview_import(desk, files, progress=None) -> list[FilePreview]`, one per file, in order.

Two kinds of import, chosen by this database's role and the file's manifest:

* "return" (secretariat): a department's workbook (issued by this database, or exported by
  a department PC whose origin is this database) or this database's own master
  workbook. Each input field goes through the three-way merge of domain/merge.py
  (base from the manifest, master from this database, file from the cell).
* "sync" (department PC): the secretariat's master workbook. The secretariat owns the
  definitions (取組事項名, 担当課, 概要, めざす姿, 関連計画, 資源, 体系, 取組No., 数値目標,
  廃止, the order, 実施計画, 目標値), new measures, and other departments' results: they
  overwrite. This department's own results merge three-way with this PC's values as
  "master" and the secretariat's as "file" (base: what the last sync brought). Results are
  taken from the checksummed manifest, 実施計画/目標値 from locked cells its digests vouch
  for, the rest of the definitions from the manifest's definitions list; a cell edited in
  the master workbook refuses the file.

A file is refused as a whole (FilePreview.error) when it cannot be read or is foreign;
row-level problems of the file (tampering, structure, scope) become refusals
(FilePreview.refusals), and one refusal means nothing from that file is applied. A value that
breaks its field's rule in a cell the department may edit is an open item of a return
(FilePreview.open_items, with this database's value): its field is left as it is, the rest of
the file is merged; apply.py takes a correction typed for it or records it as open. See
validate.py for the per-row checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from ...domain import fields as F
from ...domain.display import short_time
from ...domain.errors import InvalidValue
from ...domain.fiscal import short_label
from ...domain.glossary import Glossary, parse_glossary
from ...domain.merge import Decision, FieldMerge, decide, same
from ...domain.model import Measure
from ...domain.quantity import off_scale
from ...domain.status import Status
from ...domain.values import field_value, indicator_of_field, unit_of
from ...store import exchange_repo as xrepo
from ...store import repository as repo
from ...store.exchange_repo import ImportRecord
from ...workbook.errors import BadWorkbook
from ...workbook.layout import SCOPE_DEPARTMENT, SCOPE_MASTER
from ...workbook.manifest import Manifest, MeasureDef, NodeDef, PlanDef
from ...workbook.reader import ReturnedWorkbook, read_returned
from ..desk import Desk
from ..progress import Progress, step
from .export import ORIGIN_META
from .validate import OpenItem, ParsedRow, Refusal, check_rows

KIND_RETURN = "return"
KIND_SYNC = "sync"
# Measure-level fields a master workbook's definitions carry to a department PC.
SYNCED_MEASURE_FIELDS = (
    "number",
    "name",
    "departments",
    "node",
    "summary",
    "vision",
    "related_plans",
    "resources",
    "numeric",
    "retired",
    "indicators",
)


@dataclass
class FilePreview:
    path: Path
    kind: str = ""
    scope: str = ""
    department: str = ""
    content_hash: str = ""
    error: str | None = None  # the whole file refused
    error_kind: str = ""
    refusals: list[Refusal] = field(default_factory=list)
    open_items: list[OpenItem] = field(default_factory=list)  # bad values: 要修正
    changes: list[FieldMerge] = field(default_factory=list)
    conflicts: list[FieldMerge] = field(default_factory=list)
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)
    already: ImportRecord | None = None
    measures: dict[str, tuple[int, str, str]] = field(
        default_factory=dict
    )  # key -> id, label, name
    origin_uid: str = ""
    sync_values: dict[tuple[str, int, str], object] = field(
        default_factory=dict
    )  # sync: sent results
    new_measures: list[MeasureDef] = field(default_factory=list)  # sync: measures to add
    plan_code: str = ""  # the plan the file carries (it is merged and applied in that plan)
    positions: dict[str, int] = field(default_factory=dict)  # sync: the master's order
    node_changes: list[tuple[int, str, str, str]] = field(
        default_factory=list
    )  # sync: (node id, label, old, new title)
    node_names: dict[str, str] = field(
        default_factory=dict
    )  # node key -> caption, for showing 体系
    issued_at: str = ""  # when the workbook was written (its manifest)
    new_nodes: list[NodeDef] = field(
        default_factory=list
    )  # sync: 項目/小項目 to add, parents first
    node_positions: dict[str, int] = field(
        default_factory=dict
    )  # sync: the master's order of nodes
    manifest_checksum: str = ""  # which issued workbook (fillings of one file share it)
    issuer_uid: str = ""  # the database that wrote it
    sequence: int | None = None  # its number in that database's register (format 4)
    saved_at: str | None = None  # when the file was last saved (UTC ISO), if it says
    # a department PC and a master workbook of a plan it does not hold yet: the plan to add
    # (then the sync, previewed again within it), and how many nodes and items it brings
    new_plan: PlanDef | None = None
    new_plan_size: tuple[int, int] = (0, 0)
    # a master workbook's closed years (fy, when, who), which a sync takes; None: it says none
    # (written before schema 11)
    closed_years: tuple[tuple[int, str, str], ...] | None = None
    # a master workbook's 用語解説, which a sync takes (the secretariat's is the record, so the
    # department prints the same notes); None: the master carries no plan (before schema 7)
    glossary: Glossary | None = None

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def refused(self) -> bool:
        return self.error is not None or bool(self.refusals)

    @property
    def applicable(self) -> bool:
        return not self.refused and self.already is None

    def describe(self, merge: FieldMerge) -> str:
        """'No.10 R5 実施結果' for messages and lists."""
        label = self.measures.get(merge.measure_key, (0, merge.measure_key, ""))[1]
        year = f" {short_label(merge.fy)}" if merge.fy else ""
        return f"{label}{year} {F.label(merge.field)}"

    def describe_item(self, item: OpenItem) -> str:
        """'No.1 R5 実績値' for an open item."""
        return f"{item.label} {short_label(item.fy)} {F.label(item.field)}"

    def additions(self) -> list[tuple[str, str, str]]:
        """What a sync adds beside field changes, as (what, old, new) lines for lists."""
        out = [(f"新しい体系 {n.label}", "", n.title) for n in self.new_nodes]
        out += [(f"体系の名称 {label}", old, new) for _id, label, old, new in self.node_changes]
        out += [
            (f"新しい取組 {self.measures[d.key][1]}", "", f"{d.name}（{'、'.join(d.departments)}）")
            for d in self.new_measures
        ]
        return out

    def summary(self) -> str:
        if self.error:
            return self.error
        if self.new_plan is not None:
            nodes, items = self.new_plan_size
            return (
                f"{self.name}: 新しい計画「{self.new_plan.name}」を追加します"
                f"（体系 {nodes}件、{self.new_plan.item} {items}件）"
            )
        if self.refusals:
            return f"{self.name}: 取り込めません（{len(self.refusals)}件の問題）"
        if self.already is not None:
            return f"{self.name}: この内容はすでに取り込み済みです（{self.already.at}）。反映するものはありません"
        added = f"新しい取組 {len(self.new_measures)}件、" if self.new_measures else ""
        if self.new_nodes:
            added += f"新しい体系 {len(self.new_nodes)}件、"
        if self.node_changes:
            added += f"体系の名称 {len(self.node_changes)}件、"
        bad = f"、要修正 {len(self.open_items)}件" if self.open_items else ""
        return (
            f"{self.name}: {added}反映 {len(self.changes)}件、競合 {len(self.conflicts)}件{bad}、"
            f"変更なし {self.unchanged}件"
        )


@dataclass(frozen=True)
class _Here:
    """What this database is, read once per preview run."""

    plan_code: str
    role: F.Role | None
    uid: str
    origin: str | None

    @classmethod
    def of(cls, desk: Desk) -> _Here:
        return cls(desk.plan.code, desk.role, desk.database_uid, repo.get_meta(ORIGIN_META))


def _relation_error(here: _Here, wb: ReturnedWorkbook) -> tuple[str | None, str]:
    """(error message or None, import kind) for this database and the file's origin."""
    man = wb.manifest
    if man.plan_code != here.plan_code:
        return "別の計画のブックです", ""
    role = here.role
    uid = here.uid
    if role is None:
        return "このPCの役割（担当課／事務局）が設定されていません", ""
    if role.is_secretariat:
        if man.database_uid == uid or (man.origin_uid == uid and man.scope == SCOPE_DEPARTMENT):
            return None, KIND_RETURN
        if man.scope == SCOPE_DEPARTMENT and not man.origin_uid:
            return (
                "事務局の一覧表を取り込む前に担当課のPCで書き出されたブックです。担当課で事務局の"
                "一覧表を取り込んでから書き出し直してください"
            ), ""
        return (
            "別のデータベースから書き出されたブックです（この事務局が配布したものではありません）",
            "",
        )
    if man.database_uid == uid:
        return "このPCで書き出したブックです。事務局へ送ってください", ""
    if man.scope != SCOPE_MASTER:
        return "担当課のPCで取り込めるのは事務局の一覧表（全体のブック）だけです", ""
    if here.origin and here.origin != man.database_uid:
        return "別の事務局のデータベースから書き出されたブックです", ""
    return None, KIND_SYNC


def _provenance_error(here: _Here, man: Manifest) -> str | None:
    """A workbook that says this database wrote it must carry a manifest this database
    registered when it wrote it (exchange_issued). The checksum inside the file proves
    nothing: anyone can recompute it. Workbooks written before the register existed
    (format < 4) are vouched for by the export log instead, department parts only."""
    if man.database_uid != here.uid:
        return None  # a department PC's return: every value is validated against this database
    if xrepo.was_issued(man.checksum()):
        return None
    if (
        man.version < 4
        and man.scope == SCOPE_DEPARTMENT
        and xrepo.exported_near(man.scope, man.department, man.issued_at)
    ):
        return None
    return (
        "このデータベースが書き出したブックの管理情報と一致しません（書き出した後に管理情報が"
        "変更されています。改ざんの疑い）。配布したブックを使ってください"
    )


def _instant(iso: str | None) -> datetime:
    return datetime.fromisoformat(iso or "")


def _issued_before(man: Manifest, r: ImportRecord) -> bool:
    """Was `man` written before the workbook of import `r`? Two workbooks of one database are
    ordered by its register (exact, also within one second); others by their write time."""
    if man.sequence is not None and r.sequence is not None and r.issuer_uid == man.database_uid:
        return man.sequence < r.sequence
    return _instant(man.issued_at) < _instant(r.issued_at)


def _older_than_imported(
    kind: str, man: Manifest, content_hash: str, saved: str | None
) -> str | None:
    """A workbook written before one of the same kind already imported would take back what
    the newer one brought (a withdrawn 達成, the secretariat's newer definitions). Two
    fillings of the same issued workbook (one manifest) are ordered by when each was saved."""
    if kind == KIND_SYNC:
        scope, department, what = SCOPE_MASTER, "", "事務局の一覧表"
    elif man.scope == SCOPE_DEPARTMENT:
        scope, department, what = SCOPE_DEPARTMENT, man.department, f"{man.department}のブック"
    else:
        return None
    checksum = man.checksum()
    try:
        for r in xrepo.standing_imports(scope, department):
            if r.content_hash == content_hash:
                continue  # the same content again: 取り込み済み, said elsewhere
            if r.manifest_checksum == checksum:
                if not saved or not r.saved_at or saved == r.saved_at:
                    if r.batch_id is None:
                        continue  # it changed nothing: nothing of it can be taken back
                    return (
                        f"同じ配布ブックの別の記入（{r.file_name}）をすでに取り込んでいます。保存日時が"
                        "同じか記録されていないため、どちらが新しいか判断できません。こちらが新しい場合は、"
                        f"先の取込（変更 #{r.batch_id}）を元に戻してから取り込んでください"
                    )
                if saved < r.saved_at:
                    return (
                        f"同じ配布ブックの、より新しい記入（{r.file_name}、{short_time(_local(r.saved_at))} 保存）"
                        f"をすでに取り込んでいます。古い記入（{short_time(_local(saved))} 保存）は取り込めません"
                    )
                continue
            if r.issued_at and _issued_before(man, r):
                return (
                    f"これより新しい{what}（{short_time(r.issued_at)} 書き出し）をすでに取り込んでいます。"
                    f"古いブック（{short_time(man.issued_at)} 書き出し）は取り込めません"
                )
    except (ValueError, TypeError):
        return "ブックの管理情報が壊れています（書き出し日時）。配布したブックを使ってください"
    return None


def _local(utc_iso: str) -> str:
    return datetime.fromisoformat(utc_iso).astimezone().isoformat()


def _measure_value(
    m: Measure, fy: int, name: str, node_keys: dict[int, str] | None = None
) -> object:
    return field_value(m, name, fy, node_key=(node_keys or {}).get(m.node_id, ""))


def _def_value(d: MeasureDef, name: str) -> object:
    if name in ("departments", "related_plans", "resources", "indicators"):
        return list(getattr(d, name) or ())
    return getattr(d, name)


def _new_measure(d: MeasureDef, plan_id: int) -> Measure:
    """How a measure the master adds looks here right after insertion (repository.insert_measure)."""
    return Measure(
        id=0,
        key=d.key,
        plan_id=plan_id,
        node_id=0,
        number=d.number,
        repeat_of=d.repeat_of,
        name=d.name,
        numeric=d.numeric,
        departments=d.departments,
    )


def _not_fillable(m: Measure, f: str) -> str | None:
    """Why this database does not take a value for this cell whatever the manifest says
    (its checksum can be recomputed: its claims are no permission), or None. (A year outside
    the plan never gets here: check_rows refuses its row.)"""
    if m.is_repeat:
        return "【再掲】の取組には入力できません（再掲元の取組に入力します）"
    if m.retired:
        return "廃止された取組には入力できません"
    if (f == F.ACTUAL or F.split_series(f) is not None) and not m.numeric:
        return "数値目標のない取組には実績値を入力できません"
    return None


def _current(m: Measure, fy: int, f: str) -> tuple[bool, object]:
    """(known?, the value this database holds): an indicator field of an indicator the
    measure no longer has (or does not have yet) is not known."""
    try:
        return True, field_value(m, f, fy)
    except InvalidValue:
        return False, None


def _earlier_fillings(
    man: Manifest, by_key: dict[str, Measure]
) -> dict[tuple[str, int, str], object]:
    """What earlier returns of the same issued workbook (other fillings of the one file)
    applied, field by field, the latest last: a later filling is read against it, so a value
    it withdraws is applied or shown as a conflict instead of being read as unchanged."""
    keys = {m.id: m.key for m in by_key.values()}
    out: dict[tuple[str, int, str], object] = {}
    earlier = [
        r
        for r in xrepo.standing_imports(SCOPE_DEPARTMENT, man.department)
        if r.manifest_checksum == man.checksum() and r.batch_id is not None
    ]
    for r in sorted(earlier, key=lambda r: (r.saved_at or "", r.id)):
        assert r.batch_id is not None  # kept above only with one
        for c in repo.batch_changes(r.batch_id):
            if c.measure_id in keys and c.fy is not None:
                out[(keys[c.measure_id], c.fy, c.field)] = c.new
    return out


def _merge_return(
    wb: ReturnedWorkbook,
    pv: FilePreview,
    values: list[ParsedRow],
    by_key: dict[str, Measure],
    items: list[OpenItem],
) -> None:
    man = wb.manifest
    earlier = _earlier_fillings(man, by_key) if man.scope == SCOPE_DEPARTMENT else {}
    for mr, file_vals in values:
        m = by_key.get(mr.measure_key)
        if m is None:
            if any(f in file_vals and file_vals[f][0] != mr.base(f) for f in mr.editable):
                pv.refusals.append(Refusal(f"{mr.label}: この取組は現在の一覧にありません"))
            continue
        for f in (f for f in mr.fields() if f in mr.editable and f in file_vals):
            file_value, blank = file_vals[f]
            known, master = _current(m, mr.fy, f)
            why = _not_fillable(m, f) or (None if known else "この指標は現在の一覧にありません")
            if why:
                if not same(file_value, mr.base(f)):
                    pv.refusals.append(Refusal(f"{mr.label} {mr.fy}年度 {F.label(f)}: {why}"))
                continue
            base = mr.base(f)
            if f in mr.sent and same(master, mr.sent[f]):
                # the master holds what this department sent last time: this return is read
                # as the department's change from that (a withdrawn 達成, a rewritten text)
                base = mr.sent[f]
            elif (mr.measure_key, mr.fy, f) in earlier and same(
                master, earlier[(mr.measure_key, mr.fy, f)]
            ):
                base = earlier[
                    (mr.measure_key, mr.fy, f)
                ]  # likewise for another filling of this file
            d = decide(base, master, file_value, file_blank=blank)
            if d in (Decision.KEEP, Decision.SAME):
                pv.unchanged += 1
                continue
            if man.scope == SCOPE_DEPARTMENT and man.department not in m.departments:
                pv.refusals.append(
                    Refusal(
                        f"{mr.label}: {man.department}の担当外の取組です（担当課が変更されています）"
                    )
                )
                continue
            if d is Decision.APPLY and _off_scale(file_value, m, mr.fy, f):
                d = Decision.SCALE
            _add(pv, FieldMerge(mr.measure_key, mr.fy, f, base, master, file_value, d))
    for item in items:
        _take_open_item(pv, man, item, by_key.get(item.measure_key))


def _take_open_item(pv: FilePreview, man: Manifest, item: OpenItem, m: Measure | None) -> None:
    """An open item of a cell this database lets the department fill, with the value it holds;
    a cell it does not (the manifest's claims are no permission) refuses the file as a
    changed cell would."""
    where = f"{item.label} {item.fy}年度 {F.label(item.field)}"
    if m is None:
        pv.refusals.append(Refusal(f"{item.label}: この取組は現在の一覧にありません"))
        return
    known, master = _current(m, item.fy, item.field)
    why = _not_fillable(m, item.field) or (None if known else "この指標は現在の一覧にありません")
    if why:
        pv.refusals.append(Refusal(f"{where}: {why}"))
    elif man.scope == SCOPE_DEPARTMENT and man.department not in m.departments:
        pv.refusals.append(
            Refusal(f"{item.label}: {man.department}の担当外の取組です（担当課が変更されています）")
        )
    else:
        pv.open_items.append(replace(item, master=master))


def _off_scale(value: object, m: Measure, fy: int, f: str) -> bool:
    """An indicator's actual in percent about 100 times off its target of the year
    (`year_target`; 0.9845 for 98.45 %, what Excel hands over for a cell typed 98.45%
    without the percent format): shown for a decision, never applied as is. Other units are
    left alone: a count 100 times below its target is a plausible early year, not a typing
    slip. Outside figures have no target to compare with."""
    s = F.split_series(f)
    if (f != F.ACTUAL and (s is None or s[0] != F.ACTUAL)) or isinstance(value, bool):
        return False
    if unit_of(m, f).strip() not in ("%", "％"):
        return False
    ind = indicator_of_field(m, f)
    target = ind.year_target(fy) if ind is not None else m.year(fy).target
    return isinstance(value, int | float) and off_scale(value, [target])


def _merge_definitions(
    desk: Desk, wb: ReturnedWorkbook, pv: FilePreview, by_key: dict[str, Measure]
) -> None:
    """The secretariat's measure definitions overwrite; measures it added are inserted."""
    here_nodes = desk.nodes()
    nodes = {n.id: n.key for n in here_nodes}
    known_nodes = set(nodes.values())
    by_node_key = {n.key: n for n in here_nodes}
    pv.node_names = {n.key: n.caption for n in here_nodes}
    for nd in wb.manifest.nodes:
        node = by_node_key.get(nd.key)
        pv.node_positions[nd.key] = nd.position
        if node is None:
            if nd.parent and nd.parent not in known_nodes:
                pv.refusals.append(
                    Refusal(f"体系「{nd.label} {nd.title}」の上位（{nd.parent}）がありません")
                )
                continue
            pv.new_nodes.append(nd)
            known_nodes.add(nd.key)
            pv.node_names[nd.key] = f"{nd.label} {nd.title}"
        elif node.title != nd.title:
            pv.node_changes.append((node.id, node.label, node.title, nd.title))
    full = {m.key: m for m in desk.measures()}
    for d in wb.manifest.definitions:
        label = "【再掲】" if d.repeat_of is not None else f"No.{d.number}"
        if d.node not in known_nodes:
            pv.refusals.append(
                Refusal(
                    f"{label}: 体系「{d.node}」がこのPCのデータにありません。"
                    "アプリを新しくしてください"
                )
            )
            continue
        m = full.get(d.key)
        node_keys = nodes
        if m is None:
            pv.new_measures.append(d)
            m = by_key[d.key] = _new_measure(d, desk.plan.id)
            node_keys = {0: d.node}
            pv.measures[d.key] = (0, label, d.name)
        pv.positions[d.key] = d.position
        for f in SYNCED_MEASURE_FIELDS:
            if f == "indicators" and d.indicators is None:
                continue  # an older workbook carries no definitions of them
            cur, new = _measure_value(m, 0, f, node_keys), _def_value(d, f)
            _add(
                pv,
                FieldMerge(
                    d.key, 0, f, cur, cur, new, Decision.SAME if same(cur, new) else Decision.APPLY
                ),
            )


def _merge_sync(
    desk: Desk,
    wb: ReturnedWorkbook,
    pv: FilePreview,
    values: list[ParsedRow],
    by_key: dict[str, Measure],
) -> None:
    role = desk.role
    assert role is not None  # _relation_error refuses every file on a database without one
    own = role.department
    base = xrepo.sync_base()
    with_definitions = bool(wb.manifest.definitions)
    if with_definitions:
        by_key = dict(by_key)
        _merge_definitions(desk, wb, pv, by_key)
    seen_measure: set[str] = set()
    missing: list[str] = []
    # a measure this sync adds takes its 目標値 from its indicators' definitions, never a cell
    added = {d.key for d in pv.new_measures}
    for mr, file_vals in values:
        m = by_key.get(mr.measure_key)
        if m is None:
            if mr.label not in missing:
                missing.append(mr.label)
            continue
        # 目標値 is not a number where it says 「指標シートに入力」: the definitions carry it
        defs = [
            (f, mr.fy)
            for f in (F.PLAN_TEXT, F.TARGET)
            if f in file_vals and not (f == F.TARGET and mr.measure_key in added)
        ]
        if mr.measure_key not in seen_measure and not with_definitions:
            seen_measure.add(mr.measure_key)
            defs = [("name", 0), ("departments", 0)] + defs
        for f, fy in defs:
            new = file_vals[f][0]
            cur = _measure_value(m, mr.fy, f)
            _add(
                pv,
                FieldMerge(
                    mr.measure_key,
                    fy,
                    f,
                    cur,
                    cur,
                    new,
                    Decision.SAME if same(cur, new) else Decision.APPLY,
                ),
            )
        mine = own in m.departments
        for f in mr.fields():
            cur = _current(m, mr.fy, f)[1]  # an indicator new here: added by this sync
            new = mr.base(f)
            pv.sync_values[(mr.measure_key, mr.fy, f)] = new
            if mine:
                initial = (
                    Status.PENDING.value if f == F.STATUS else "" if f == F.RESULT_TEXT else None
                )
                b = base.get((mr.measure_key, mr.fy, f), initial)
                # the secretariat's value is a deliberate one from its database, not a cell
                # someone may have cleared by mistake: the blank rule does not apply
                d = decide(b, cur, new, file_blank=False)
            else:
                b, d = cur, (Decision.SAME if same(cur, new) else Decision.APPLY)
            _add(pv, FieldMerge(mr.measure_key, mr.fy, f, b, cur, new, d))
    if missing:
        pv.notes.append("このPCのデータにない取組は取り込みませんでした: " + "、".join(missing))


def _add(pv: FilePreview, fm: FieldMerge) -> None:
    if fm.decision == Decision.APPLY:
        pv.changes.append(fm)
    elif fm.decision.is_conflict:
        pv.conflicts.append(fm)
    else:
        pv.unchanged += 1


def _read(path: Path) -> ReturnedWorkbook | BadWorkbook:
    try:
        return read_returned(path)
    except BadWorkbook as exc:
        return exc


def preview_file(
    desk: Desk,
    path: Path,
    by_key: dict[str, Measure] | None = None,
    here: _Here | None = None,
    read: ReturnedWorkbook | BadWorkbook | None = None,
) -> FilePreview:
    path = Path(path)
    pv = FilePreview(path=path)
    wb = read if read is not None else _read(path)
    if isinstance(wb, BadWorkbook):
        pv.error, pv.error_kind = wb.message, wb.kind
        return pv
    man = wb.manifest
    held = any(p.code == man.plan_code for p in desk.plans())
    if man.plan_code != desk.plan.code and held:
        with desk.on_plan(man.plan_code):  # a workbook of another plan is merged in its plan
            return preview_file(desk, path, None, None, read=wb)
    if not held and man.plan is not None:
        return _new_plan_preview(desk, pv, wb, here)
    pv.plan_code = man.plan_code
    pv.scope, pv.department, pv.content_hash = man.scope, man.department, wb.content_hash
    here = here or _Here.of(desk)
    pv.origin_uid = man.origin_uid if man.database_uid != here.uid else man.database_uid
    error, kind = _relation_error(here, wb)
    if error:
        pv.error, pv.error_kind = f"{path.name}: {error}", "foreign"
        return pv
    pv.kind = kind
    pv.issued_at = man.issued_at
    if kind == KIND_SYNC and man.plan is not None:
        pv.closed_years = man.plan.closed
        try:
            pv.glossary = parse_glossary(
                [dict(zip(("mark", "term", "text"), g, strict=True)) for g in man.plan.glossary]
            )
        except InvalidValue as exc:
            pv.error, pv.error_kind = f"{path.name}: {exc.message}", "damaged"
            return pv
    pv.manifest_checksum, pv.issuer_uid, pv.sequence = (
        man.checksum(),
        man.database_uid,
        man.sequence,
    )
    pv.saved_at = wb.saved_at
    forged = _provenance_error(here, man)
    if forged:
        pv.error, pv.error_kind = f"{path.name}: {forged}", "tampered"
        return pv
    older = _older_than_imported(kind, man, wb.content_hash, wb.saved_at)
    if older:
        pv.error, pv.error_kind = f"{path.name}: {older}", "older"
        return pv
    if by_key is None:
        by_key = {m.key: m for m in xrepo.measures_for_merge(desk.plan.id)}
    for key in {mr.measure_key for mr in man.rows}:
        m = by_key.get(key)
        if m is not None:
            pv.measures[key] = (m.id, m.number_label, m.name)

    def unit(key: str, field: str) -> str:
        m = by_key.get(key)
        return "" if m is None else unit_of(m, field)

    values, refusals, items = check_rows(
        wb, sync=kind == KIND_SYNC, years=desk.plan.years, unit=unit
    )
    pv.refusals.extend(refusals)
    if kind == KIND_RETURN:
        _merge_return(wb, pv, values, by_key, items)
        _leave_closed_years(desk, pv)
    else:
        assert not items  # a sync refuses a bad value: check_rows(sync=True)
        _merge_sync(desk, wb, pv, values, by_key)
    if pv.refusals:
        pv.changes, pv.conflicts, pv.new_measures, pv.node_changes = [], [], [], []
        pv.new_nodes, pv.open_items = [], []
    pv.already = xrepo.import_with_hash(wb.content_hash)
    return pv


def _leave_closed_years(desk: Desk, pv: FilePreview) -> None:
    """A return's values of a year the secretariat has closed are not taken (the write would
    refuse them): each is said in a note with the reason, and the rest of the file goes on."""
    closed = desk.closed_years()
    if not closed:
        return
    left: dict[int, list[str]] = {}
    for merges in (pv.changes, pv.conflicts):
        for fm in merges:
            if fm.fy in closed:
                left.setdefault(fm.fy, []).append(pv.describe(fm))
        merges[:] = [fm for fm in merges if fm.fy not in closed]
    for item in pv.open_items:
        if item.fy in closed:
            left.setdefault(item.fy, []).append(pv.describe_item(item))
    pv.open_items[:] = [i for i in pv.open_items if i.fy not in closed]
    for fy, which in sorted(left.items()):
        pv.notes.append(
            f"{closed[fy].reason()}。このファイルの{len(which)}件は反映しません: "
            + "、".join(which[:10])
            + ("…" if len(which) > 10 else "")
        )


def _new_plan_preview(
    desk: Desk, pv: FilePreview, wb: ReturnedWorkbook, here: _Here | None
) -> FilePreview:
    """A master workbook of a plan this PC does not hold: a department PC adds the plan (from
    the workbook's `plan`), then takes the sync within it; anywhere else it is refused."""
    man = wb.manifest
    assert man.plan is not None
    pv.plan_code = man.plan_code
    pv.scope, pv.department, pv.content_hash = man.scope, man.department, wb.content_hash
    here = replace(here or _Here.of(desk), plan_code=man.plan_code)
    error, kind = _relation_error(here, wb)
    if not error and kind != KIND_SYNC:
        error = "この計画はこのデータベースにありません"
    error = error or _provenance_error(here, man)
    if error:
        pv.error, pv.error_kind = f"{pv.name}: {error}", "foreign"
        return pv
    pv.kind = kind
    pv.new_plan = man.plan
    pv.new_plan_size = (len(man.nodes), sum(1 for d in man.definitions if not d.retired))
    return pv


def preview_import(
    desk: Desk,
    files: list[Path],
    progress: Progress | None = None,
    by_key: dict[str, Measure] | None = None,
) -> list[FilePreview]:
    """Dry run over many files; writes nothing.

    One file at a time, read then merged, so memory stays bounded by the largest file.
    (Reading in a thread pool was measured slower here: the parsing holds the GIL.)
    `by_key` (measures_for_merge by key) may be passed by a caller that keeps it current.
    """
    paths = [Path(p) for p in files]
    if by_key is None:
        by_key = {m.key: m for m in xrepo.measures_for_merge(desk.plan.id)}
    here = _Here.of(desk)
    out: list[FilePreview] = []
    for i, path in enumerate(paths):
        step(progress, i, len(paths), f"{path.name} を確認中…（{i + 1}/{len(paths)}）")
        out.append(preview_file(desk, path, by_key, here))
    step(progress, len(paths), len(paths), "確認が終わりました")
    return out
