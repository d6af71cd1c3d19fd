"""A department PC receives the secretariat's definitions and new measures from the master workbook."""

from __future__ import annotations

import json
import zipfile

import pytest
from exchange_helpers import rewrite_part, synced_pcs

from kanazawa_desktop.domain.errors import StoreError
from kanazawa_desktop.services import exchange as X
from kanazawa_desktop.services.desk import Desk
from kanazawa_desktop.workbook import manifest as M


def by_number(desk, number):
    return next(m for m in desk.measures() if m.number == number)


@pytest.fixture
def pcs(tmp_path):
    return synced_pcs(tmp_path)


def test_definitions_and_new_measure_reach_the_department_pc(pcs, tmp_path):
    master_db, dept_db = pcs
    with Desk.open(master_db) as sec:
        m10 = by_number(sec, 10)
        sec.save(
            m10.id,
            {
                (None, "summary"): "事務局が書き直した概要",
                (None, "vision"): "新しいめざす姿",
                (None, "related_plans"): ["第3期人事計画"],
                (None, "resources"): ["hito", "joho"],
                (None, "node"): "1-1-2",
            },
        )
        sec.save(by_number(sec, 23).id, {(None, "retired"): True})
        new_id = sec.add_measure(node_key="1-1-1", name="生成AIの全庁活用", departments=["人事課"])
        sec.save(new_id, {(None, "summary"): "生成AIを業務に使う", (2024, "plan_text"): "試行"})
        new = sec.measure(new_id)
        master_order = [m.key for m in sec.measures()]
        wb = X.export_workbook(sec, tmp_path / "m2.xlsx").path
    with Desk.open(dept_db) as dept:
        [pv] = X.preview_import(dept, [wb])
        assert not pv.refused and [d.key for d in pv.new_measures] == [new.key]
        assert "新しい取組 1件" in pv.summary()
        assert pv.additions() == [(f"新しい取組 No.{new.number}", "", "生成AIの全庁活用（人事課）")]
        described = {pv.describe(c) for c in pv.changes}
        assert {
            "No.10 概要",
            "No.10 めざす姿",
            "No.10 関連計画",
            "No.10 確保する行政資源",
            "No.10 体系",
            "No.23 廃止",
            f"No.{new.number} 概要",
            f"No.{new.number} R6 実施計画",
        } <= described
        res = X.apply_import(dept, pv)
        assert res.added == 1 and "新しい取組 1件" in res.summary()
        got = by_number(dept, 10)
        assert got.summary == "事務局が書き直した概要" and got.vision == "新しいめざす姿"
        assert got.related_plans == ("第3期人事計画",) and got.resources == {"hito", "joho"}
        assert {n.id: n.key for n in dept.nodes()}[got.node_id] == "1-1-2"
        assert by_number(dept, 23).retired
        added = by_number(dept, new.number)
        assert (added.key, added.name, added.summary) == (
            new.key,
            "生成AIの全庁活用",
            "生成AIを業務に使う",
        )
        assert added.year(2024).plan_text == "試行"
        assert [m.key for m in dept.measures()] == master_order  # the master's order
        assert added.id in {r.id for r in dept.rows()}  # 人事課 sees its new measure
        fields = {h.field for h in dept.history(added.id)}
        assert "created" in fields and "summary" in fields
        with pytest.raises(StoreError, match="追加は元に戻せません"):
            X.undo_import(dept, res.batch_id)
        [again] = X.preview_import(dept, [wb])
        assert again.already is not None and not again.new_measures


def test_sync_without_news_changes_nothing(pcs, tmp_path):
    master_db, dept_db = pcs
    with Desk.open(master_db) as sec:
        wb = X.export_workbook(sec, tmp_path / "same.xlsx").path
    with Desk.open(dept_db) as dept:
        [pv] = X.preview_import(dept, [wb])
        assert not pv.changes and not pv.conflicts and not pv.new_measures


def test_department_workbook_carries_no_definitions(secretariat, tmp_path):
    from kanazawa_desktop.workbook.reader import read_returned

    dept = read_returned(X.export_workbook(secretariat, tmp_path / "j.xlsx", "人事課").path)
    master = read_returned(X.export_workbook(secretariat, tmp_path / "m.xlsx").path)
    assert dept.manifest.definitions == ()
    assert len(master.manifest.definitions) == 92  # 90 measures and the 2 【再掲】 rows


def _edit_text_in_file(path, old: str, new: str):
    """Change a text wherever the workbook's XML holds it (a person editing the hidden sheet)."""
    with zipfile.ZipFile(path) as z:
        xml_old = old.replace('"', "&quot;")
        [part] = [
            n
            for n in z.namelist()
            if any(o in z.read(n).decode("utf-8", "replace") for o in (old, xml_old))
        ]

    def edit(data: bytes) -> bytes:
        text = data.decode("utf-8")
        if old in text:
            return text.replace(old, new, 1).encode("utf-8")
        return text.replace(xml_old, new.replace('"', "&quot;"), 1).encode("utf-8")

    return rewrite_part(path, part, edit)


def test_definitions_edited_after_export_refuse_the_file(pcs, tmp_path):
    master_db, dept_db = pcs
    with Desk.open(master_db) as sec:
        sec.save(by_number(sec, 10).id, {(None, "summary"): "正しい概要"})
        wb = X.export_workbook(sec, tmp_path / "m.xlsx").path
    _edit_text_in_file(wb, '"summary":"正しい概要"', '"summary":"書き換えた概要"')
    with Desk.open(dept_db) as dept:
        [pv] = X.preview_import(dept, [wb])
        assert pv.error and "改ざん" in pv.error
        assert by_number(dept, 10).summary != "書き換えた概要"


def test_manifest_definitions_are_strictly_typed():
    good = M.MeasureDef(
        key="No.1",
        number=1,
        repeat_of=None,
        node="1-1-1",
        name="x",
        departments=("人事課",),
        indicators=(
            {
                "key": "No.1",
                "name": "件数",
                "unit": "件",
                "owner_kind": "measure",
                "owner_key": "No.1",
                "better": "more",
                "baseline": {"value": None, "year": None, "cumulative": False, "starts": None},
                "targets": [{"kind": "year", "year": 2023, "value": 70}],
                "category": "",
                "series": "",
                "note": "",
            },
        ),
    )
    assert M.MeasureDef.from_json(json.loads(json.dumps(good.to_json()))) == good
    for bad in (
        {**good.to_json(), "number": "1"},
        {**good.to_json(), "departments": "人事課"},
        {**good.to_json(), "retired": 0},
        {**good.to_json(), "extra": 1},
        {**good.to_json(), "indicators": [{"key": "No.1"}]},
        {**good.to_json(), "indicators": None},
        ["No.1"],
    ):
        with pytest.raises(ValueError):
            M.MeasureDef.from_json(bad)


def test_a_crafted_manifest_with_a_valid_checksum_but_bad_definitions_is_damaged():
    man = M.Manifest(
        plan_code="p",
        database_uid="u",
        origin_uid="u",
        scope="master",
        department="",
        issued_at="2024-04-01T09:00:00+09:00",
        rows=(),
        definitions=(),
    )
    rows = man.sheet_rows()
    rows[-1] = ['[{"key":1}]']  # the definitions chunk
    meta = man.meta()
    digest = M._digest(M.FORMAT_VERSION, meta, "[]", '[{"key":1}]')
    rows = [r if r[0] != "checksum" else ["checksum", digest] for r in rows]
    with pytest.raises(M.ManifestError) as err:
        M.parse(rows)
    assert err.value.kind == "damaged"


def test_a_format_1_manifest_still_reads():
    man = M.Manifest(
        plan_code="p",
        database_uid="u",
        origin_uid="u",
        scope="master",
        department="",
        issued_at="2024-04-01T09:00:00+09:00",
        version=1,
    )
    back = M.parse(man.sheet_rows())
    assert back.version == 1 and back.definitions == ()


def test_format_2_and_3_manifests_read_with_their_own_row_width():
    row = M.ManifestRow(
        measure_key="No.7",
        fy=2023,
        editable=frozenset({"status"}),
        label="No.7",
        locked="0" * 24,
        result_text="",
        status="",
        actual=None,
        sent={"status": "achieved"},
    )
    for version, sent in ((2, {}), (3, {"status": "achieved"})):
        man = M.Manifest(
            plan_code="p",
            database_uid="u",
            origin_uid="u",
            scope="department",
            department="人事課",
            issued_at="2024-04-01T09:00:00+09:00",
            rows=(row,),
            version=version,
        )
        back = M.parse(man.sheet_rows())
        assert back.rows[0].sent == sent and back.version == version
