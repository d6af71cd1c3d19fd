"""A plan's 用語解説 in the plan file and the plan workbook (schema 12): loaded checked, dumped
only when there is one, and carried through a plan workbook's export and import."""

from __future__ import annotations

import json

import pytest
from schema_helpers import draft_before_13

from kanazawa_desktop.domain.errors import BadWorkbook, InvalidValue
from kanazawa_desktop.services.plan_io import export_plan, import_plan
from kanazawa_desktop.store import repository as repo
from kanazawa_desktop.store.plan_dump import dump_plan
from kanazawa_desktop.store.plan_loader import load_plan

GLOSSARY = [
    {"mark": "※1", "term": "DX", "text": "デジタル技術による変革。"},
    {"mark": "※2", "term": "ネウボラ", "text": "「アドバイスの場」\n二行目も残る。"},
]


def _with_glossary(code: str, glossary: object) -> dict:
    data = json.loads(json.dumps(dump_plan("digital_2")))
    data["plan"]["code"] = code
    data["plan"]["glossary"] = glossary
    return data


def test_the_glossary_is_loaded_and_dumped_back(secretariat):
    load_plan(secretariat.db, _with_glossary("with_notes", GLOSSARY))
    assert dump_plan("with_notes")["plan"]["glossary"] == GLOSSARY
    plan = repo.plan_by_code("with_notes")
    assert plan is not None and [e.heading for e in plan.glossary] == ["※1 DX", "※2 ネウボラ"]
    # a plan without notes dumps without the key: its bundled file does not change
    assert "glossary" not in dump_plan("digital_2")["plan"]
    assert repo.plan_by_code("digital_2").glossary == ()


def test_a_bad_glossary_is_refused_and_nothing_is_loaded(secretariat):
    before = [p.code for p in repo.plans()]
    with pytest.raises(InvalidValue, match="2件目"):
        load_plan(secretariat.db, _with_glossary("bad", [GLOSSARY[0], {"mark": "※2"}]))
    assert [p.code for p in repo.plans()] == before


def test_the_plan_workbook_carries_the_glossary(secretariat, tmp_path):
    load_plan(secretariat.db, _with_glossary("with_notes", GLOSSARY))
    out = export_plan(secretariat, "with_notes", tmp_path / "p.xlsx")
    import_plan(secretariat, out, key="copy")
    assert dump_plan("copy")["plan"]["glossary"] == GLOSSARY
    # a plan without notes: no 用語解説 sheet, and none comes back
    out = export_plan(secretariat, "digital_2", tmp_path / "d.xlsx")
    from openpyxl import load_workbook

    assert "用語解説" not in load_workbook(out, read_only=True).sheetnames
    import_plan(secretariat, out, key="copy2")
    assert "glossary" not in dump_plan("copy2")["plan"]


def test_a_bad_glossary_row_is_refused_naming_sheet_and_row(secretariat, tmp_path):
    from openpyxl import load_workbook

    load_plan(secretariat.db, _with_glossary("with_notes", GLOSSARY))
    out = export_plan(secretariat, "with_notes", tmp_path / "p.xlsx")
    wb = load_workbook(out)
    wb["用語解説"]["A3"] = "※1"  # the second row repeats the first's mark
    wb.save(out)
    with pytest.raises(BadWorkbook, match="シート「用語解説」3行目: 記号「※1」が2回あります"):
        import_plan(secretariat, out, key="copy")
    wb["用語解説"]["A3"] = "※2"
    wb["用語解説"]["C3"] = None  # no explanation
    wb.save(out)
    with pytest.raises(BadWorkbook, match="シート「用語解説」3行目: .*空の項目"):
        import_plan(secretariat, out, key="copy")
    assert repo.plan_by_code("copy") is None


def test_the_master_workbook_carries_the_glossary_to_a_department(secretariat, tmp_path):
    """A plan the department PC does not hold arrives with its 用語解説, so it prints the same."""
    from kanazawa_desktop.services import exchange as X
    from kanazawa_desktop.services.desk import Desk
    from kanazawa_desktop.workbook.manifest import PlanDef

    load_plan(secretariat.db, _with_glossary("with_notes", GLOSSARY))
    with secretariat.on_plan("with_notes"):
        master = X.export_workbook(secretariat, tmp_path / "master.xlsx").path
    with Desk.open(tmp_path / "dept.sqlite3") as dept:
        dept.set_role(department="人事課")
        [pv] = X.preview_import(dept, [master])
        assert not pv.refused, pv.error
        assert pv.new_plan is not None
        assert pv.new_plan.glossary == tuple((g["mark"], g["term"], g["text"]) for g in GLOSSARY)
        X.apply_import(dept, pv)
        plan = next(p for p in dept.plans() if p.code == "with_notes")
        assert [(e.mark, e.term, e.text) for e in plan.glossary] == list(pv.new_plan.glossary)
    # the key is written only when there are notes, and read back the same
    plain = PlanDef("p", "計画", 2024, 2026, ("方針",), "取組", "{}")
    assert "glossary" not in plain.to_json()
    noted = PlanDef("p", "計画", 2024, 2026, ("方針",), "取組", "{}", (), (("※1", "DX", "説明"),))
    assert noted.to_json()["glossary"] == [["※1", "DX", "説明"]]
    assert PlanDef.from_json(noted.to_json()) == noted
    for bad in ("※1", [["※1", "DX"]], [["※1", "DX", 3]], [["※1", "DX", "x" * 5001]]):
        with pytest.raises(ValueError):
            PlanDef.from_json({**plain.to_json(), "glossary": bad})


def test_a_version_11_database_gets_an_empty_glossary_and_keeps_its_texts(tmp_path):
    """Step 12 adds the column only: plans loaded before it have no notes, their texts stay."""
    import sqlite3

    from kanazawa_desktop.services.desk import Desk
    from kanazawa_desktop.store import schema

    path = tmp_path / "v11.sqlite3"
    with Desk.open(path):
        pass
    con = sqlite3.connect(path)
    con.execute('ALTER TABLE "plan" DROP COLUMN "glossary"')
    draft_before_13(con)
    con.execute("UPDATE meta SET value = '11' WHERE key = 'schema_version'")
    con.execute("UPDATE measure SET name = 'ネウボラの充実' WHERE key = '1-1-①'")  # as before
    con.commit()
    con.close()
    with Desk.open(path) as desk:
        assert schema.current_version(desk.db) == schema.LATEST_VERSION
        assert all(p.glossary == () for p in desk.plans())
        with desk.on_plan("sogo_senryaku_3"):
            assert next(m for m in desk.measures() if m.key == "1-1-①").name == "ネウボラの充実"


def test_a_sync_gives_a_department_the_secretariats_glossary(secretariat, tmp_path):
    """A department PC that holds the plan without notes (made before schema 12) takes the
    master's 用語解説 with the sync, so it prints the same notes."""
    import sqlite3

    from kanazawa_desktop.services import exchange as X
    from kanazawa_desktop.services.desk import Desk

    with secretariat.on_plan("sogo_senryaku_3"):
        master = X.export_workbook(secretariat, tmp_path / "master.xlsx").path
        want = secretariat.plan.glossary
    assert len(want) == 10
    dept_path = tmp_path / "dept.sqlite3"
    with Desk.open(dept_path) as dept:
        dept.set_role(department="人事課")
    con = sqlite3.connect(dept_path)
    con.execute("UPDATE plan SET glossary = '[]' WHERE code = 'sogo_senryaku_3'")
    con.commit()
    con.close()
    with Desk.open(dept_path) as dept:
        with dept.on_plan("sogo_senryaku_3"):
            assert dept.plan.glossary == ()
            [pv] = X.preview_import(dept, [master])
            assert not pv.refused, pv.error
            assert pv.glossary == want
            X.apply_import(dept, pv)
            assert dept.plan.glossary == want
