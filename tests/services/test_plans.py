"""Several plans in one database: a plan in the schema-2 data form (its own levels, node texts,
goal indicators, plan-specific details, items with no department yet), chosen by key or by
part of its name, worked on without touching the other, exchanged in its own workbooks."""

from __future__ import annotations

import pytest
from plan_helpers import second_plan

from kanazawa_desktop.domain import fields as F
from kanazawa_desktop.domain.errors import InvalidValue
from kanazawa_desktop.services import exchange as X
from kanazawa_desktop.services.desk import PLAN_CODE, Desk
from kanazawa_desktop.store.plan_loader import load_plan


@pytest.fixture
def two_plans(secretariat):
    load_plan(secretariat.db, second_plan())
    return secretariat


def test_a_plan_is_chosen_by_its_key_or_a_part_of_its_name_only_it_has(two_plans):
    desk = two_plans
    assert desk.plan.code == PLAN_CODE  # the 行政経営プラン unless told otherwise
    assert desk.use_plan("子育て").code == "sogo_test"
    assert desk.use_plan(PLAN_CODE).code == PLAN_CODE
    assert desk.use_plan("デジタル").code == "digital_2"  # bundled
    assert desk.use_plan("総合戦略").code == "sogo_senryaku_3"
    with pytest.raises(InvalidValue, match="ありません"):
        desk.use_plan("観光計画")
    with pytest.raises(InvalidValue, match="複数"):
        desk.use_plan("金沢")  # three names have it


def test_the_second_plan_holds_its_own_words_texts_and_details(two_plans):
    desk = two_plans
    with desk.on_plan("sogo_test") as plan:
        assert (plan.levels, plan.item, plan.years) == (
            ("基本目標", "施策"),
            "取組",
            (2024, 2025, 2026, 2027, 2028),
        )
        goal = next(n for n in desk.nodes() if n.key == "1")
        assert goal.description == "子育ての喜びを分かち合う"
        first, second = desk.measures()
        assert first.details == {"projects": [{"text": "産後ケアの実施", "repeat": False}]}
        assert [i.key for i in first.indicators] == ["KPI-1-1-①-1"]
        assert second.departments == ()  # the secretariat's until assigned
        assert [r.number for r in desk.rows()] == [1, 2]
        desk.save(first.id, {(2024, F.ACTUAL): "30地区"})
        assert desk.measure(first.id).actuals == {"KPI-1-1-①-1": {2024: 30.0}}
    assert desk.plan.code == PLAN_CODE  # back where it was
    assert len(desk.rows()) == 92  # the first plan's rows, untouched


def test_undo_is_per_plan(two_plans):
    desk = two_plans
    no10 = next(r for r in desk.rows() if r.number == 10)
    desk.save(no10.id, {(2023, F.RESULT_TEXT): "行政経営プランの結果"})
    with desk.on_plan("sogo_test"):
        assert not desk.can_undo()  # nothing of this plan was saved in this session
    desk.undo()
    assert desk.measure(no10.id).year(2023).result_text == ""


def test_a_department_exports_and_returns_its_part_of_the_second_plan(two_plans, tmp_path):
    desk = two_plans
    outs = X.export_departments(desk, tmp_path)
    names = sorted(p.path.name for p in outs)
    assert any(n.startswith("試験用の子育て計画_こども未来課_") for n in names)
    assert any(n.startswith(desk.plan.name) for n in names)  # and the first plan's, as before
    with desk.on_plan("子育て計画"):  # a department PC takes the plan's master workbook
        wb = X.export_workbook(desk, tmp_path / "sogo_master.xlsx").path
    with Desk.open(tmp_path / "dept.sqlite3") as dept:
        load_plan(dept.db, second_plan())
        dept.set_role(department="こども未来課")
        [pv] = X.preview_import(dept, [wb])
        assert not pv.refused, pv.error
        X.apply_import(dept, pv)
        with dept.on_plan("sogo_test"):
            mine = dept.measures("こども未来課")
            assert [m.key for m in mine] == ["1-1-①"]
            dept.save(mine[0].id, {(2024, F.ACTUAL): 28, (2024, F.RESULT_TEXT): "11地区で開設"})
            back = X.export_workbook(dept, tmp_path / "back.xlsx").path
    with Desk.open(desk.path) as sec:  # (one database bound per process: open it again)
        [pv] = X.preview_import(sec, [back])  # the secretariat is on the first plan: recognised
        assert not pv.refused, pv.error
        assert pv.plan_code == "sogo_test"
        X.apply_import(sec, pv)
        assert sec.plan.code == PLAN_CODE
        with sec.on_plan("sogo_test"):
            m = sec.measures()[0]
            assert m.actuals == {"KPI-1-1-①-1": {2024: 28.0}}
            assert m.year(2024).result_text == "11地区で開設"
