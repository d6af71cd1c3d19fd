"""A round's 回収期限: stored on every export row it issues, overdue against a given `today`
(the rule never reads the clock), cleared by a later return; the reminder list and its CSV."""

from __future__ import annotations

from datetime import date

import pytest
from exchange_helpers import fill

from kanazawa_desktop.domain.deadline import deadline_label, is_overdue, parse_deadline
from kanazawa_desktop.domain.errors import InvalidValue, PermissionDenied
from kanazawa_desktop.services import exchange as X
from kanazawa_desktop.store.exchange_models import DbExport

DEC25 = date(2026, 12, 25)
BEFORE = date(2026, 12, 1)  # the day the round is issued on, in these tests
AFTER = date(2026, 12, 26)


def by_dept(desk, today):
    return {s.department: s for s in X.collection_status(desk, today=today)}


def test_dates_are_read_in_both_forms_and_shown_in_wareki_with_the_weekday():
    assert parse_deadline("2026-12-25") == DEC25 == parse_deadline("2026/12/25")
    assert parse_deadline(" 2027/1/5 ") == date(2027, 1, 5)
    for bad in ("2026-13-01", "12/25", "あした", "", "2026-02-30"):
        with pytest.raises(ValueError, match="回収期限"):
            parse_deadline(bad)
    assert deadline_label(DEC25) == "令和8年12月25日（金）" == deadline_label("2026-12-25")
    assert deadline_label(None) == ""


def test_overdue_is_the_day_after_with_nothing_returned_since_the_issue():
    issued = "2026-12-01T10:00:00+09:00"
    assert not is_overdue("2026-12-25", issued, None, DEC25)  # the day itself is in time
    assert is_overdue("2026-12-25", issued, None, AFTER)
    assert not is_overdue("2026-12-25", issued, "2026-12-20T09:00:00+09:00", AFTER)
    assert is_overdue("2026-12-25", issued, "2026-11-20T09:00:00+09:00", AFTER)  # an old round's
    assert not is_overdue(None, issued, None, AFTER)


def test_every_export_row_of_a_round_carries_its_deadline(secretariat, tmp_path):
    results = X.export_departments(
        secretariat, tmp_path, all_plans=False, deadline=DEC25, today=BEFORE
    )
    assert len(results) > 10
    rows = list(DbExport.select())
    assert len(rows) == len(results) and {r.deadline for r in rows} == {"2026-12-25"}
    X.export_workbook(secretariat, tmp_path / "master.xlsx")  # no deadline: NULL
    assert DbExport.select().order_by(DbExport.id.desc()).get().deadline is None
    assert X.last_deadline(secretariat) == DEC25
    with secretariat.on_plan("digital_2"):
        assert X.last_deadline(secretariat) is None  # per plan


def test_overdue_against_the_given_today_and_a_later_return_clears_it(secretariat, tmp_path):
    out = X.export_workbook(
        secretariat, tmp_path / "jinji.xlsx", "人事課", deadline=DEC25, today=BEFORE
    ).path
    X.export_workbook(secretariat, tmp_path / "soumu.xlsx", "広報広聴課")  # no deadline
    s = by_dept(secretariat, DEC25)["人事課"]
    assert s.deadline == "2026-12-25" and not s.overdue and s.to_chase  # 未回収
    later = by_dept(secretariat, AFTER)
    assert later["人事課"].overdue and later["人事課"].chase_state == "期限切れ"
    assert later["広報広聴課"].deadline is None and not later["広報広聴課"].overdue
    assert not later["総務課"].overdue and later["総務課"].state == "未配布"
    fill(out, {("No.7", "R5", "result"): "課の記入"})
    [pv] = X.preview_import(secretariat, [out])
    X.apply_import(secretariat, pv)
    s = by_dept(secretariat, AFTER)["人事課"]
    assert s.state == "回収済" and not s.overdue and not s.to_chase


def test_a_master_round_sets_every_departments_deadline(secretariat, tmp_path):
    X.export_workbook(secretariat, tmp_path / "m.xlsx", deadline=DEC25, today=BEFORE)
    rows = X.collection_status(secretariat, today=AFTER)
    assert rows and all(s.deadline == "2026-12-25" and s.overdue for s in rows)


def test_a_past_deadline_is_refused_and_nothing_is_written(secretariat, tmp_path):
    with pytest.raises(InvalidValue, match="過去の日付"):
        X.export_workbook(secretariat, tmp_path / "a.xlsx", "人事課", deadline=BEFORE, today=DEC25)
    with pytest.raises(InvalidValue, match="過去の日付"):
        X.export_departments(secretariat, tmp_path, deadline=BEFORE, today=DEC25)
    assert not list(tmp_path.glob("*.xlsx")) and DbExport.select().count() == 0


def test_the_reminder_list_holds_the_departments_to_chase_as_excel_csv(secretariat, tmp_path):
    out = X.export_workbook(
        secretariat, tmp_path / "j.xlsx", "人事課", deadline=DEC25, today=BEFORE
    ).path
    X.export_workbook(secretariat, tmp_path / "s.xlsx", "広報広聴課", deadline=date(2027, 1, 8))
    X.export_workbook(secretariat, tmp_path / "d.xlsx", "デジタル行政戦略課")
    fill(X.export_workbook(secretariat, tmp_path / "z.xlsx", "財政課").path, {})
    [pv] = X.preview_import(secretariat, [tmp_path / "z.xlsx"])
    X.apply_import(secretariat, pv)
    del out
    rows = X.reminder_rows([(secretariat.plan, X.collection_status(secretariat, today=AFTER))])
    by = {r[0]: r for r in rows}
    assert set(by) == {"人事課", "広報広聴課", "デジタル行政戦略課"}  # not 財政課, not the 未配布
    assert by["人事課"][1:] == ("金沢市行政経営プラン", by["人事課"][2], "2026/12/25", "期限切れ")
    assert by["広報広聴課"][3:] == ("2027/01/08", "未回収") and by["デジタル行政戦略課"][3] == ""
    csv_path = X.write_reminder_csv(tmp_path / "督促.csv", rows)
    data = csv_path.read_bytes()
    assert data.startswith("\ufeff担当課,計画,配布日,回収期限,状況\r\n".encode())
    assert "人事課,金沢市行政経営プラン," in data.decode("utf-8-sig")
    with pytest.raises(InvalidValue):  # a folder is no target
        X.write_reminder_csv(tmp_path, rows)


def test_a_department_pc_sets_no_deadline(jinji, tmp_path):
    with pytest.raises(PermissionDenied, match="事務局"):
        X.export_workbook(jinji, tmp_path / "own.xlsx", deadline=DEC25, today=BEFORE)
