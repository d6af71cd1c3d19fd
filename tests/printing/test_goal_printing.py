"""The plan's own 数値目標 on paper: after the whole plan's 一覧, a page 計画の数値目標 with each
基本目標's (or the plan's) indicators, their target, actual and 判定 per year."""

from __future__ import annotations

from printing_helpers import page_texts, squash

from kanazawa_desktop.domain import fields as F
from kanazawa_desktop.services import printing as P
from kanazawa_desktop.services.desk import Desk


def _item(desk, key):
    return next(i for g in desk.plan_indicators() for i in g.items if i.indicator.key == key)


def test_the_strategys_goals_follow_its_list(tmp_path, qapp):
    with Desk.open(tmp_path / "d.sqlite3") as desk:
        desk.set_role(secretariat=True)
        with desk.on_plan("sogo_senryaku_3"):
            goal = _item(desk, "GOAL-1-1")
            desk.save_plan_indicators({(goal.id, 2028, F.ACTUAL): "60%"})
            out = tmp_path / "list.pdf"
            P.print_pdf(desk, out, sheets=False, listing=True)
            dept = tmp_path / "dept.pdf"
            P.print_pdf(desk, dept, sheets=False, listing=True, numbers=[1])
        plain = tmp_path / "gyosei.pdf"
        P.print_pdf(desk, plain, sheets=False, listing=True)
    texts = [squash(t) for t in page_texts(out)]
    goals = [t for t in texts if t.startswith("計画の数値目標")]
    assert goals and texts[-len(goals) :] == goals  # after the 一覧's pages
    first = goals[0]
    assert "基本目標1若い世代に優しく" in first
    assert "子どもを産み育てやすい環境が整っていると感じる市民の割合（%）" in first
    assert "47.5%（令和5年度）" in first
    assert "目標59%（令和10年度末まで）実績60%達成" in first
    assert "目標は設定予定" in first and "目標目標" not in first
    for n in (1, 2, 3, 4):
        assert any(f"基本目標{n}" in t for t in goals)
    # a selection of the plan prints them too; the 行政経営プラン has none
    assert any(t.startswith("計画の数値目標") for t in (squash(t) for t in page_texts(dept)))
    assert not any("計画の数値目標" in squash(t) for t in page_texts(plain))
