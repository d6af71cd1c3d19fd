"""The plan's own 数値目標 (indicators no measure owns): listed per 基本目標 / KPI group with
their values and judgement, saved by the secretariat as one batch recorded in the history,
undone and redone through the desk's undo stack; bad values and other roles refused whole."""

from __future__ import annotations

import pytest

from kanazawa_desktop.domain import fields as F
from kanazawa_desktop.domain.errors import (
    ConflictError,
    InvalidValue,
    PermissionDenied,
    StoreError,
)
from kanazawa_desktop.domain.judgement import Verdict
from kanazawa_desktop.services.desk import Desk


def _item(desk, key):
    return next(i for g in desk.plan_indicators() for i in g.items if i.indicator.key == key)


def test_the_goals_of_the_strategy_and_the_kpis_of_the_digital_plan_are_listed(secretariat):
    assert secretariat.plan_indicators() == []  # the 行政経営プラン has none
    secretariat.use_plan("sogo_senryaku_3")
    groups = secretariat.plan_indicators()
    assert [g.owner for g in groups] == [f"基本目標{n}" for n in (1, 2, 3, 4)]
    assert groups[0].title.startswith("若い世代に優しく")
    assert [i.indicator.key for i in groups[0].items] == ["GOAL-1-1", "GOAL-1-2"]
    assert sum(len(g.items) for g in groups) == 8
    secretariat.use_plan("デジタル戦略")
    groups = secretariat.plan_indicators()
    assert [(g.owner, g.title) for g in groups] == [("計画全体", "市民サービスの向上")]
    assert [i.indicator.key for i in groups[0].items] == ["KPI-3", "KPI-4", "KPI-5"]


def test_a_save_is_one_batch_with_its_history_and_judgement(secretariat):
    secretariat.use_plan("sogo_senryaku_3")
    goal = _item(secretariat, "GOAL-1-1")  # 47.5% (R5) -> 59% by R10
    result = secretariat.save_plan_indicators(
        {(goal.id, 2024, F.ACTUAL): "52.5%", (goal.id, 2028, F.ACTUAL): "６０"}
    )
    assert result.batch_id is not None
    assert result.delta.indicators == {goal.id} and not result.delta.measures
    goal = _item(secretariat, "GOAL-1-1")
    assert goal.actuals == {2024: 52.5, 2028: 60.0}
    assert goal.judgement(2028).verdict is Verdict.ACHIEVED
    assert goal.judgement(2025).verdict is Verdict.MISSING
    history = secretariat.plan_indicator_history()
    assert {(h.indicator_id, h.fy, h.field, h.old, h.new) for h in history} == {
        (goal.id, 2024, "actual", None, 52.5),
        (goal.id, 2028, "actual", None, 60.0),
    }
    assert all(h.batch_id == result.batch_id and h.role == "事務局" for h in history)
    # the same values again change nothing and write no batch
    again = secretariat.save_plan_indicators({(goal.id, 2024, F.ACTUAL): 52.5})
    assert again.batch_id is None


def test_undo_and_redo_go_through_the_desks_stack(secretariat):
    secretariat.use_plan("sogo_senryaku_3")
    goal = _item(secretariat, "GOAL-3-2")
    secretariat.save_plan_indicators({(goal.id, 2024, F.ACTUAL): 1000})
    secretariat.save_plan_indicators({(goal.id, 2024, F.ACTUAL): 1100})
    undone = secretariat.undo()
    assert [c.indicator_id for c in undone] == [goal.id]
    assert _item(secretariat, "GOAL-3-2").actuals == {2024: 1000.0}
    assert secretariat.take_changes().indicators == {goal.id}
    secretariat.undo()
    assert _item(secretariat, "GOAL-3-2").actuals == {}
    secretariat.redo()
    assert _item(secretariat, "GOAL-3-2").actuals == {2024: 1000.0}
    history = secretariat.plan_indicator_history()
    assert [h.source for h in history[:3]] == ["redo", "undo", "undo"]
    assert [h.undone for h in history] == [False, False, False, True, True]


def test_undo_is_refused_after_a_later_change_of_the_same_value(secretariat):
    secretariat.use_plan("sogo_senryaku_3")
    goal = _item(secretariat, "GOAL-4-2")
    first = secretariat.save_plan_indicators({(goal.id, 2025, F.ACTUAL): 10}).batch_id
    secretariat.save_plan_indicators({(goal.id, 2025, F.ACTUAL): 12})
    with pytest.raises(StoreError, match="元に戻せません"):
        secretariat.undo_batch(first)
    assert _item(secretariat, "GOAL-4-2").actuals == {2025: 12.0}


@pytest.mark.sqlite_file
def test_a_stale_value_is_a_conflict_and_writes_nothing(secretariat, db_path):
    secretariat.use_plan("sogo_senryaku_3")
    goal = _item(secretariat, "GOAL-2-2")
    with Desk.open(db_path) as other:
        other.use_plan("sogo_senryaku_3")
        other.save_plan_indicators({(goal.id, 2024, F.ACTUAL): 90})
    from kanazawa_desktop.store import repository as repo

    # written against the value this desk saw (empty), which another desk has changed since
    change = F.FieldChange(0, F.ACTUAL, None, 95.0, 2024, indicator_id=goal.id)
    with pytest.raises(ConflictError):
        repo.apply_changes(secretariat.db, [change], secretariat.actor, "form")
    assert _item(secretariat, "GOAL-2-2").actuals == {2024: 90.0}


@pytest.mark.sqlite_file
def test_bad_values_and_other_roles_are_refused_whole(secretariat, db_path):
    secretariat.use_plan("sogo_senryaku_3")
    goal = _item(secretariat, "GOAL-1-1")
    other = _item(secretariat, "GOAL-1-2")
    with pytest.raises(InvalidValue, match="子どもを産み育てやすい.*令和6年度"):
        secretariat.save_plan_indicators(
            {(other.id, 2024, F.ACTUAL): 1.4, (goal.id, 2024, F.ACTUAL): "52件"}
        )
    with pytest.raises(InvalidValue, match="期間外"):
        secretariat.save_plan_indicators({(goal.id, 2030, F.ACTUAL): 1})
    with pytest.raises(InvalidValue, match="その欄"):
        secretariat.save_plan_indicators({(goal.id, 2024, F.FIGURE): 1})
    secretariat.use_plan("gyosei_keiei")
    with pytest.raises(InvalidValue, match="この計画の数値目標ではありません"):
        secretariat.save_plan_indicators({(goal.id, 2024, F.ACTUAL): 1})
    secretariat.use_plan("sogo_senryaku_3")
    assert _item(secretariat, "GOAL-1-2").actuals == {}
    assert secretariat.plan_indicator_history() == []
    secretariat.set_role(department="財政課", force=True)
    with pytest.raises(PermissionDenied, match="事務局だけ"):
        secretariat.save_plan_indicators({(goal.id, 2024, F.ACTUAL): 50})


def test_a_measures_indicator_is_not_written_as_a_plan_indicator(secretariat):
    """Its values are the measure's fields, recorded under the measure: the store refuses the
    plan-level path for it, whoever calls."""
    from kanazawa_desktop.store import repository as repo
    from kanazawa_desktop.store.models import DbIndicator

    ind = DbIndicator.get(DbIndicator.key == "No.86-1")
    change = F.FieldChange(0, F.ACTUAL, None, 9.8, 2023, indicator_id=ind.id)
    with pytest.raises(InvalidValue, match="取組の指標"):
        repo.apply_changes(secretariat.db, [change], secretariat.actor, "form")
