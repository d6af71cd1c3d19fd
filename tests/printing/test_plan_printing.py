"""A second plan on paper: its 取組管理票 have the plan's five years, its KPI and the details
it states beyond the first plan's sheet (具体的な事業)."""

from __future__ import annotations

from plan_helpers import second_plan
from printing_helpers import page_texts, squash

from kanazawa_desktop.services import printing as P
from kanazawa_desktop.services.desk import Desk
from kanazawa_desktop.store.plan_loader import load_plan


def test_the_second_plans_sheets_print_its_years_kpi_and_projects(tmp_path, qapp):
    with Desk.open(tmp_path / "d.sqlite3") as desk:
        desk.set_role(secretariat=True)
        load_plan(desk.db, second_plan())
        with desk.on_plan("子育て"):
            out = tmp_path / "sogo.pdf"
            P.print_pdf(desk, out, sheets=True, listing=False)
    texts = [squash(t) for t in page_texts(out)]
    assert len(texts) == 2  # its two items, not the 行政経営プラン's 92
    first = texts[0]
    for year in ("令和6年度", "令和10年度"):
        assert year in first
    assert "まちの子育て保健室開設地区数" in first and "53地区" in first
    assert "具体的な事業" in first and "産後ケアの実施" in first
    assert "具体的な事業" not in texts[1]  # the second states none
    assert "試験用の子育て計画取組管理票" in first  # the footer names the plan


def test_the_later_bundled_plans_print_their_own_rows_and_words(tmp_path, qapp):
    """総合戦略: 概要 and 具体的な事業, no めざす姿/関連計画/行政資源; デジタル戦略: 目指すべき姿 and
    具体的な取組 with their words by year; the footer and the 一覧 in the plan's words."""
    with Desk.open(tmp_path / "d.sqlite3") as desk:
        with desk.on_plan("sogo_senryaku_3"):
            ids = [desk.measures()[0].id]
            P.print_pdf(desk, tmp_path / "003.pdf", measure_ids=ids, sheets=True, listing=False)
        with desk.on_plan("digital_2"):
            ids = [desk.measures()[0].id]
            P.print_pdf(desk, tmp_path / "004.pdf", measure_ids=ids, sheets=True, listing=True)
    [s003] = [squash(t) for t in page_texts(tmp_path / "003.pdf")]
    assert "概要" in s003 and "妊娠期から子育て期にわたる" in s003
    assert "具体的な事業" in s003
    for absent in ("めざす姿", "関連計画", "行政資源"):
        assert absent not in s003
    assert "第3次金沢版総合戦略取組管理票" in s003
    pages = [squash(t) for t in page_texts(tmp_path / "004.pdf")]
    assert pages[0].startswith("施策一覧")  # the 一覧 first (then the plan's own KPIs)
    [sheet] = [t for t in pages if "施策管理票" in t]
    assert "目指すべき姿" in sheet and "行かなくてもいい市役所に" in sheet
    assert "具体的な取組" in sheet and "電子申請の拡充" in sheet
    for absent in ("めざす姿", "概要", "関連計画", "行政資源"):
        assert absent not in sheet
    assert "デジタル戦略2.0施策管理票" in sheet
