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
