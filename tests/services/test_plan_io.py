"""A whole plan to and from a workbook: every bundled plan survives export → import under a new
key; a hand-filled R9–R12 plan imports and its items are worked on in the Desk; a malformed
file is refused naming its sheet and row, and the database is left as it was."""

from __future__ import annotations

import json
import shutil
import zipfile

import pytest
from plan_workbook_helpers import plan_workbook

from kanazawa_desktop.domain.errors import BadWorkbook, InvalidValue, PermissionDenied
from kanazawa_desktop.services.plan_io import export_plan, import_plan
from kanazawa_desktop.store import repository as repo
from kanazawa_desktop.store.plan_dump import dump_plan


def _without_code(data: dict) -> dict:
    out = json.loads(json.dumps(data))
    out["plan"].pop("code")
    return out


@pytest.mark.parametrize("code", ["gyosei_keiei", "sogo_senryaku_3", "digital_2"])
def test_each_bundled_plan_comes_back_the_same_under_a_new_key(secretariat, tmp_path, code):
    out = export_plan(secretariat, code, tmp_path / f"{code}.xlsx")
    result = import_plan(secretariat, out, key=f"{code}_copy")
    assert result.plan_id is not None and result.batch_id is not None
    original, copy = dump_plan(code), dump_plan(f"{code}_copy")
    assert copy["plan"]["code"] == f"{code}_copy"
    assert _without_code(copy) == _without_code(original)
    assert copy["measures"] and (copy["node_indicators"] or copy["measures"][0]["indicators"])


def test_the_dump_holds_current_texts_and_the_export_carries_them(secretariat, tmp_path):
    desk = secretariat
    row = next(r for r in desk.rows() if r.number == 1)
    desk.save(row.id, {(None, "summary"): "改めた概要"})
    desk.save(row.id, {(None, "departments"): ["人事課", "財政課"]})
    parent = next(n for n in desk.nodes() if n.key == "1-1")
    node_id = desk.add_node(parent.id, "新しい小項目")
    node_key = next(n.key for n in desk.nodes() if n.id == node_id)
    desk.rename_node(parent.id, "改めた項目")
    desk.add_measure(node_key=node_key, name="新しい取組", departments=["人事課"])
    out = export_plan(desk, "行政経営", tmp_path / "p.xlsx")
    import_plan(desk, out, key="copy")
    original, copy = dump_plan("gyosei_keiei"), dump_plan("copy")
    assert _without_code(copy) == _without_code(original)
    item = copy["measures"][0]
    assert (item["summary"], item["departments"]) == ("改めた概要", ["人事課", "財政課"])
    assert "改めた項目" in [n["title"] for n in copy["nodes"]]
    assert any(m["name"] == "新しい取組" and m["node"] == node_key for m in copy["measures"])


def test_a_hand_filled_plan_imports_and_its_items_are_worked_on(secretariat, tmp_path):
    f = plan_workbook(tmp_path / "r9.xlsx")
    dry = import_plan(secretariat, f, dry_run=True)
    assert "gyosei_r9" not in {p.code for p in secretariat.plans()}  # a dry run writes nothing
    assert (dry.summary.period, dry.summary.nodes, dry.summary.items) == ("R9–R12", 3, 3)
    assert dry.summary.indicators == 2 and dry.summary.departments == 2
    result = import_plan(secretariat, f)
    plan = secretariat.use_plan("gyosei_r9")
    assert (plan.first_fy, plan.last_fy, plan.levels) == (2027, 2030, ("方針", "項目", "小項目"))
    rows = {r.key: r for r in secretariat.rows()}
    assert set(rows) == {"No.1", "No.2", "再掲-No.1"}
    assert rows["No.2"].name == "=新しい働き方の推進"  # text, never a formula
    assert rows["再掲-No.1"].repeat_of == 1
    m = secretariat.measure(rows["No.1"].id)
    assert m.departments == ("人事課", "デジタル行政戦略課")
    assert [m.year(fy).plan_text for fy in plan.years] == ["実施", "拡充", "拡充", "検証"]
    assert [i.target_text(2030) for i in m.indicators] == ["1,200人（令和12年度末まで）"]
    assert m.indicators[0].target_text(2029) == "1,000人以上、1,200人（令和12年度末まで）"
    secretariat.save(m.id, {(2027, "result_text"): "研修を実施した"})
    assert secretariat.measure(m.id).year(2027).result_text == "研修を実施した"
    history = secretariat.history(m.id)
    assert any(h.field == "created" and result.batch_id == h.batch_id for h in history)


def test_a_key_the_database_has_is_refused_naming_the_plan(secretariat, tmp_path):
    f = plan_workbook(tmp_path / "r9.xlsx")
    with pytest.raises(InvalidValue, match="すでに計画「金沢市行政経営プラン」"):
        import_plan(secretariat, f, key="gyosei_keiei")
    import_plan(secretariat, f)
    with pytest.raises(InvalidValue, match="gyosei_r9"):
        import_plan(secretariat, f)


def test_only_the_secretariat_imports_a_plan(jinji, tmp_path):
    with pytest.raises(PermissionDenied):
        import_plan(jinji, plan_workbook(tmp_path / "r9.xlsx"))
    assert len(jinji.plans()) == 3


def _cell(sheet, ref, value):
    def edit(wb):
        wb[sheet][ref] = value

    return edit


def _drop_sheet(wb):
    del wb["指標"]


def _drop_column(wb):
    wb["取組"]["C1"] = None


def _year_header(wb):
    wb["指標"]["J1"] = "目標 R13"


def _formula(wb):
    wb["取組"]["H2"] = "=1+1"


def _no_nodes(wb):
    wb["体系"].delete_rows(2, 3)
    wb["取組"].delete_rows(2, 3)
    wb["指標"].delete_rows(2, 2)


def _plan_row(key, value):
    def edit(wb):
        wb["計画"].append([key, value])

    return edit


MALFORMED = [
    (_plan_row("様式の行", "概要、予算"), "シート「計画」9行目: 様式の行「予算」はありません"),
    (
        _plan_row("行の呼び名", "めざす姿"),
        "シート「計画」9行目: 行の呼び名「めざす姿」を読めません",
    ),
    (_no_nodes, "シート「体系」: 体系が1行もありません"),
    (_drop_sheet, "シート「指標」: シートがありません"),
    (_drop_column, "シート「取組」1行目: 見出し「体系キー」がありません"),
    (_cell("取組", "B3", "No.1"), "シート「取組」3行目: キー「No.1」が2回あります"),
    (_cell("体系", "B4", "9"), "シート「体系」4行目: 上位キー「9」がこの行より上にありません"),
    (_cell("取組", "C2", "9-9"), "シート「取組」2行目: 体系キー「9-9」"),
    (_cell("取組", "G4", 7), "シート「取組」4行目: 再掲元 No.7 の取組がありません"),
    (_cell("指標", "G2", "七十"), "シート「指標」2行目: 目標「七十」を読めません"),
    (_cell("指標", "K2", "R12ごろ 1200"), "シート「指標」2行目: 年度「R12ごろ」を読めません"),
    (_year_header, "シート「指標」1行目: 見出し「目標 R13」は計画の期間外の年度です"),
    (_cell("指標", "B2", "No.9"), "シート「指標」2行目: 対象「No.9」は「取組」シートにありません"),
    (_cell("指標", "E2", None), "シート「指標」2行目: .*方向"),
    (_cell("計画", "B5", "来年"), "シート「計画」5行目: 開始年度「来年」を読めません"),
    (_cell("計画", "B6", "R30"), "シート「計画」6行目: 期間が不正です"),
    (_cell("計画", "B2", "other 2"), "シート「計画」2行目: 書式「other 2」は読めません"),
    (_formula, "シート「取組」2行目: セル H2 に数式があります"),
]


@pytest.mark.parametrize(
    "edit, says", MALFORMED, ids=[s.split(":")[0] + s[-8:] for _, s in MALFORMED]
)
def test_a_malformed_plan_workbook_is_refused_with_sheet_and_row(secretariat, tmp_path, edit, says):
    before = (
        [p.code for p in secretariat.plans()],
        repo.latest_batch(),
        len(dump_plan("gyosei_keiei")["measures"]),
    )
    with pytest.raises(BadWorkbook, match=f"r9.xlsx: {says}"):
        import_plan(secretariat, plan_workbook(tmp_path / "r9.xlsx", edit))
    after = (
        [p.code for p in secretariat.plans()],
        repo.latest_batch(),
        len(dump_plan("gyosei_keiei")["measures"]),
    )
    assert after == before


def test_a_file_that_is_no_workbook_is_refused(secretariat, tmp_path):
    good = plan_workbook(tmp_path / "good.xlsx").read_bytes()
    cases = {
        "random.xlsx": bytes(range(256)) * 40,
        "truncated.xlsx": good[: len(good) // 2],
        "table.xlsx": "キー,名称\n1,行政組織\n".encode("cp932"),
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(BadWorkbook, match=name):
            import_plan(secretariat, tmp_path / name)
    other = tmp_path / "other.xlsx"  # a workbook, but not of this layout
    with zipfile.ZipFile(tmp_path / "good.xlsx") as zin, zipfile.ZipFile(other, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info).replace("計画".encode(), "予算".encode()))
    with pytest.raises(BadWorkbook, match="シートがありません"):
        import_plan(secretariat, other)
    assert len(secretariat.plans()) == 3


def test_an_unknown_plan_to_export_is_refused(secretariat, tmp_path):
    with pytest.raises(InvalidValue, match="計画「なし」はありません"):
        export_plan(secretariat, "なし", tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()


def test_a_far_cell_or_a_flood_of_rows_costs_little(secretariat, tmp_path):
    import time

    def far(wb):
        wb["取組"]["XFD2"] = "x"  # ignored: past the columns read

    started = time.monotonic()
    import_plan(secretariat, plan_workbook(tmp_path / "far.xlsx", far), dry_run=True)

    def flood(wb):
        wb["体系"].cell(row=60_000, column=1, value="z")

    def corner(wb):
        wb["指標"]["XFD1048576"] = "x"

    with pytest.raises(BadWorkbook, match="シート「体系」: 行が多すぎます"):
        import_plan(secretariat, plan_workbook(tmp_path / "flood.xlsx", flood))
    with pytest.raises(BadWorkbook, match="corner.xlsx"):
        import_plan(secretariat, plan_workbook(tmp_path / "corner.xlsx", corner))
    assert time.monotonic() - started < 60  # generous: bounded, not a speed test
    assert len(secretariat.plans()) == 3


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_plan_workbook_saved_again_by_libreoffice_imports_the_same(secretariat, tmp_path):
    from exchange_helpers import libreoffice_resave

    out = export_plan(secretariat, "sogo_senryaku_3", tmp_path / "sogo.xlsx")
    resaved = libreoffice_resave(out, tmp_path)
    import_plan(secretariat, resaved, key="sogo_lo")
    assert _without_code(dump_plan("sogo_lo")) == _without_code(dump_plan("sogo_senryaku_3"))


def test_an_item_name_past_its_limit_is_refused(secretariat, tmp_path):
    def edit(wb):
        wb["取組"]["D3"] = "名" * 32_740  # past the limit a save in the app keeps

    with pytest.raises(BadWorkbook, match="シート「取組」3行目: 取組事項名が長すぎます"):
        import_plan(secretariat, plan_workbook(tmp_path / "long.xlsx", edit))


def test_a_name_given_twice_is_one_department(secretariat, tmp_path):
    def edit(wb):
        wb["取組"]["F2"] = "人事課、人事課、 財政課 "

    import_plan(secretariat, plan_workbook(tmp_path / "twice.xlsx", edit))
    secretariat.use_plan("gyosei_r9")
    row = next(r for r in secretariat.rows() if r.key == "No.1")
    assert row.departments == ("人事課", "財政課")


def test_a_node_deeper_than_the_levels_named_is_refused(secretariat, tmp_path):
    def edit(wb):
        wb["体系"].append(["1-1-1-1", "1-1-1", "ア", "細目"])

    with pytest.raises(BadWorkbook, match="シート「体系」5行目: .*階層の名前"):
        import_plan(secretariat, plan_workbook(tmp_path / "deep.xlsx", edit))


def test_a_damaged_sheet_inside_a_sound_zip_is_refused(secretariat, tmp_path):
    good = plan_workbook(tmp_path / "good.xlsx")
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet3.xml":  # 取組
                data = data[: len(data) // 2]
            zout.writestr(info, data)
    with pytest.raises(BadWorkbook, match="bad.xlsx: "):
        import_plan(secretariat, bad)
    assert len(secretariat.plans()) == 3


def test_a_text_excel_cannot_hold_is_refused_on_export(secretariat, tmp_path):
    from kanazawa_desktop.workbook.plan_layout import write_plan

    data = dump_plan("digital_2")
    data["measures"][0]["summary"] = "制御\x01文字"
    with pytest.raises(BadWorkbook, match="シート「取組」2行目: Excel に書けない文字"):
        write_plan(data, tmp_path / "x.xlsx")
    data["measures"][0]["summary"] = "長" * 40_000
    with pytest.raises(BadWorkbook, match="シート「取組」2行目: 文字数が Excel の上限"):
        write_plan(data, tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists() and not list(tmp_path.glob("*.kdtmp"))


def test_a_key_taken_between_the_check_and_the_load_is_refused(secretariat, tmp_path):
    from kanazawa_desktop.services.plan_io import load_checked, read_plan_file

    data = read_plan_file(secretariat, plan_workbook(tmp_path / "r9.xlsx"))
    import_plan(secretariat, tmp_path / "r9.xlsx")  # another window was first
    with pytest.raises(InvalidValue, match="gyosei_r9"):
        load_checked(secretariat, data, "r9.xlsx")
    assert len(secretariat.plans()) == 4


def test_a_plan_names_the_rows_of_its_sheet(secretariat, tmp_path):
    """様式の行 and 行の呼び名: the plan's sheet has only those rows, under its words; left out,
    every row of the first plan's sheet."""

    def edit(wb):
        wb["計画"].append(["様式の行", "めざす姿、概要"])
        wb["計画"].append(["行の呼び名", "めざす姿＝目指すべき姿"])

    import_plan(secretariat, plan_workbook(tmp_path / "r9.xlsx", edit))
    plan = next(p for p in secretariat.plans() if p.code == "gyosei_r9")
    assert plan.rows == ("summary", "vision")
    assert plan.label("vision") == "目指すべき姿" and plan.label("summary") == "概要"
    import_plan(secretariat, plan_workbook(tmp_path / "plain.xlsx"), key="plain")
    plain = next(p for p in secretariat.plans() if p.code == "plain")
    assert plain.rows == ("summary", "vision", "related_plans", "resources") and not plain.words


def test_a_department_pc_receives_a_plan_imported_by_the_secretariat(secretariat, tmp_path):
    """The next period's plan, imported from a plan workbook, reaches a department PC with the
    secretariat's master workbook (which carries the plan): the PC adds it with its nodes and
    items, the department reports in it, and its return lands in the secretariat's plan."""
    from kanazawa_desktop.domain import fields as F
    from kanazawa_desktop.services import exchange as X
    from kanazawa_desktop.services.desk import PLAN_CODE, Desk

    import_plan(secretariat, plan_workbook(tmp_path / "r9.xlsx"))
    with secretariat.on_plan("gyosei_r9"):
        master = X.export_workbook(secretariat, tmp_path / "r9_master.xlsx").path
        items = {m.key: m for m in secretariat.measures()}
        nodes = {n.key for n in secretariat.nodes()}
    with Desk.open(tmp_path / "jinji.sqlite3") as dept:
        dept.set_role(department="人事課")
        before = [p.code for p in dept.plans()]
        [pv] = X.preview_import(dept, [master])
        assert not pv.refused, pv.error
        assert (
            pv.new_plan is not None
            and "新しい計画「金沢市行政経営プラン（令和9年度～）」" in pv.summary()
        )
        assert [p.code for p in dept.plans()] == before  # the preview wrote nothing
        X.apply_import(dept, pv)
        assert dept.plan.code == PLAN_CODE  # the PC stays on its plan; the new one is listed
        with dept.on_plan("gyosei_r9"):
            assert dept.plan.years == (2027, 2028, 2029, 2030)
            assert len(dept.nodes()) == len(nodes) and {n.key for n in dept.nodes()} == nodes
            mine = {m.key: m for m in dept.measures("人事課")}
            assert set(mine) == {k for k, m in items.items() if "人事課" in m.departments}
            no1 = mine["No.1"]
            assert no1.year(2027).plan_text == "実施"
            dept.save(no1.id, {(2027, F.RESULT_TEXT): "研修を3回開いた"})
            back = X.export_workbook(dept, tmp_path / "r9_jinji.xlsx").path
        [again] = X.preview_import(dept, [master])  # the same master again: nothing new
        assert again.new_plan is None and again.already is not None
    with Desk.open(secretariat.path) as sec:  # (one database bound per process: open it again)
        [ret] = X.preview_import(sec, [back])
        assert not ret.refused, ret.error
        X.apply_import(sec, ret)
        with sec.on_plan("gyosei_r9"):
            assert sec.measure(items["No.1"].id).year(2027).result_text == "研修を3回開いた"


def test_the_secretariat_never_takes_a_plan_from_a_master_workbook(secretariat, tmp_path):
    from kanazawa_desktop.services import exchange as X
    from kanazawa_desktop.services.desk import Desk

    with Desk.open(tmp_path / "other.sqlite3") as other:
        other.set_role(secretariat=True)
        import_plan(other, plan_workbook(tmp_path / "r9.xlsx"))
        with other.on_plan("gyosei_r9"):
            master = X.export_workbook(other, tmp_path / "other_master.xlsx").path
    with Desk.open(secretariat.path) as sec:
        [pv] = X.preview_import(sec, [master])
        assert pv.refused and pv.new_plan is None
        assert "gyosei_r9" not in [p.code for p in sec.plans()]
