"""A department works through a round in each of the later bundled plans: the secretariat
assigns it an item, exports the plan's workbook, the department's PC takes it, enters a result
and its KPI's actual, sends it back, and the secretariat's import lands both in that plan."""

from __future__ import annotations

import openpyxl
import pytest

from kanazawa_desktop.domain import fields as F
from kanazawa_desktop.services import exchange as X
from kanazawa_desktop.services.desk import PLAN_CODE, Desk


@pytest.mark.parametrize(
    ("code", "fy", "list_sheet", "rows_shown", "rows_left_out"),
    [
        (
            "sogo_senryaku_3",
            2024,
            "取組事項一覧",
            ["概要", "具体的な事業"],
            ["めざす姿", "関連計画"],
        ),
        ("digital_2", 2021, "施策一覧", ["目指すべき姿", "具体的な取組"], ["概要", "関連計画"]),
    ],
)
def test_a_department_reports_on_an_item_of_a_later_plan(
    tmp_path, code, fy, list_sheet, rows_shown, rows_left_out
):
    with Desk.open(tmp_path / "sec.sqlite3") as sec:
        sec.set_role(secretariat=True)
        with sec.on_plan(code):
            first = sec.measures()[0]
            assert first.indicators and not first.departments  # the seeds name none
            sec.save(first.id, {(None, "departments"): ("人事課",)})
            wb_path = X.export_workbook(sec, tmp_path / "master.xlsx").path
        sec_path = sec.path
    wb = openpyxl.load_workbook(wb_path, read_only=True)
    assert wb.sheetnames[0] == list_sheet  # in the plan's words
    item_sheet = wb[wb.sheetnames[-3]]  # the last 取組管理票: before _manifest and 記入のしかた
    labels = [r[0] for r in item_sheet.iter_rows(max_col=1, values_only=True)]
    wb.close()
    assert all(w in labels for w in rows_shown), labels  # the item's own sheet
    assert not any(w in labels for w in rows_left_out), labels

    with Desk.open(tmp_path / "dept.sqlite3") as dept:
        dept.set_role(department="人事課")
        [pv] = X.preview_import(dept, [wb_path])
        assert not pv.refused, pv.error
        assert pv.plan_code == code
        X.apply_import(dept, pv)
        assert dept.plan.code == PLAN_CODE  # the department stays where it was
        with dept.on_plan(code):
            [mine] = dept.measures("人事課")
            assert mine.key == first.key
            first_kpi = mine.indicators[0]
            dept.save(mine.id, {(fy, F.ACTUAL): 42, (fy, F.RESULT_TEXT): "計画どおり実施した"})
            back = X.export_workbook(dept, tmp_path / "back.xlsx").path

    with Desk.open(sec_path) as sec:
        [pv] = X.preview_import(sec, [back])
        assert not pv.refused, pv.error
        assert pv.plan_code == code
        X.apply_import(sec, pv)
        with sec.on_plan(code):
            m = sec.measure(first.id)
            assert m.year(fy).result_text == "計画どおり実施した"
            assert m.actuals[first_kpi.key] == {fy: 42.0}
            others = [x for x in sec.measures() if x.id != first.id]
            assert not any(x.year(fy).result_text for x in others)


def test_collection_status_is_per_plan_and_across_plans(tmp_path):
    with Desk.open(tmp_path / "sec.sqlite3") as sec:
        sec.set_role(secretariat=True)
        with sec.on_plan("sogo_senryaku_3"):
            sec.save(sec.measures()[0].id, {(None, "departments"): ("人事課",)})
            X.export_workbook(sec, tmp_path / "sogo_jinji.xlsx", "人事課")
            [mine] = {s.department: s for s in X.collection_status(sec)}.values()
            assert mine.department == "人事課" and mine.state == "未回収"
        first = {s.department: s for s in X.collection_status(sec)}  # the 行政経営プラン
        assert first["人事課"].state == "未配布"  # the 総合戦略's workbook is not this plan's
        blocks = {p.code: rows for p, rows in X.all_plans_status(sec)}
        assert [s.department for s in blocks["sogo_senryaku_3"]] == ["人事課"]
        assert blocks["digital_2"] == []  # no department holds an item yet
        assert len(blocks[PLAN_CODE]) == len(first)
        # a log row from before schema version 7 (no plan) is the first plan's
        sec.db.execute_sql("UPDATE exchange_export SET plan_code = NULL")
        assert {s.department: s for s in X.collection_status(sec)}["人事課"].state == "未回収"
