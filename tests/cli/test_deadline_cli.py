"""`export --deadline` (good, badly written, past), the 回収期限 and 【期限切れ】 at the end of a
`status` line, and the reminder list: `status --outstanding` (TSV) and `--csv FILE`."""

from __future__ import annotations

from datetime import date

from conftest import run_cli

from kanazawa_desktop.domain.deadline import deadline_label
from kanazawa_desktop.services import exchange as X
from kanazawa_desktop.services.desk import Desk
from kanazawa_desktop.store.exchange_models import DbExport

FAR = "2099/12/25"  # in the future whatever day the test runs


def _db(tmp_path):
    db = tmp_path / "sec.sqlite3"
    assert run_cli("--db", str(db), "init", "--secretariat").returncode == 0
    return db


def _deadlines(db):
    with Desk.open(db, create=False):
        return [r.deadline for r in DbExport.select().order_by(DbExport.id)]


def test_export_takes_a_deadline_in_either_form_and_refuses_a_bad_or_past_one(tmp_path):
    db = _db(tmp_path)
    r = run_cli(
        "--db",
        str(db),
        "export",
        str(tmp_path / "a.xlsx"),
        "--department",
        "人事課",
        "--deadline",
        FAR,
    )
    assert r.returncode == 0, r.stderr
    assert f"回収期限 {deadline_label(date(2099, 12, 25))}" in r.stdout
    r = run_cli("--db", str(db), "export", str(tmp_path / "b.xlsx"), "--deadline", "2099-01-05")
    assert r.returncode == 0, r.stderr
    assert _deadlines(db) == ["2099-12-25", "2099-01-05"]
    for bad, code, words in (
        ("2099-13-01", 2, "日付がありません"),
        ("来週", 2, "2026-12-25 または 2026/12/25"),
        ("2000/01/01", 1, "過去の日付"),
    ):
        r = run_cli("--db", str(db), "export", str(tmp_path / "c.xlsx"), "--deadline", bad)
        assert r.returncode == code, (bad, r.stderr)
        [line] = r.stderr.splitlines()
        assert line.startswith("kanazawa-desktop: エラー: ") and words in line, line
        assert "Traceback" not in r.stderr
    assert not (tmp_path / "c.xlsx").exists() and len(_deadlines(db)) == 2


def _round(tmp_path):
    """人事課 and 広報広聴課 issued with a deadline now past (set on a day before it),
    財政課 without one; 人事課 returned."""
    db = _db(tmp_path)
    with Desk.open(db, create=False) as d:
        past = {"deadline": date(2020, 1, 10), "today": date(2020, 1, 1)}
        out = X.export_workbook(d, tmp_path / "j.xlsx", "人事課", **past).path
        X.export_workbook(d, tmp_path / "k.xlsx", "広報広聴課", **past)
        X.export_workbook(d, tmp_path / "z.xlsx", "財政課")
        [pv] = X.preview_import(d, [out])
        X.apply_import(d, pv)
    return db


def test_status_ends_each_line_with_its_deadline_and_marks_overdue_ones(tmp_path):
    db = _round(tmp_path)
    r = run_cli("--db", str(db), "status")
    assert r.returncode == 0, r.stderr
    lines = {x.split()[0]: x for x in r.stdout.splitlines()[1:]}
    label = deadline_label(date(2020, 1, 10))
    assert lines["広報広聴課"].split()[1:3] == ["未回収", "配布"]  # the old columns first
    assert lines["広報広聴課"].endswith(f"回収期限 {label}  【期限切れ】")
    assert lines["人事課"].split()[1] == "回収済" and lines["人事課"].endswith(f"回収期限 {label}")
    assert "期限" not in lines["財政課"] and "期限" not in lines["総務課"]


def test_outstanding_prints_the_departments_to_chase_and_csv_saves_them(tmp_path):
    db = _round(tmp_path)
    r = run_cli("--db", str(db), "status", "--outstanding")
    assert r.returncode == 0, r.stderr
    rows = [line.split("\t") for line in r.stdout.splitlines()]
    assert rows[0] == ["担当課", "計画", "配布日", "回収期限", "状況"]
    by = {row[0]: row for row in rows[1:]}
    assert set(by) == {"広報広聴課", "財政課"}
    assert by["広報広聴課"][3:] == ["2020/01/10", "期限切れ"] and by["財政課"][3:] == ["", "未回収"]
    target = tmp_path / "督促.csv"
    r = run_cli("--db", str(db), "status", "--csv", str(target))
    assert r.returncode == 0 and "2件" in r.stdout, r.stderr
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    text = target.read_text("utf-8-sig")
    assert text.splitlines()[0] == "担当課,計画,配布日,回収期限,状況" and "広報広聴課" in text
    r = run_cli("--db", str(db), "status", "--csv", str(tmp_path / "none" / "x.csv"))
    assert r.returncode == 1 and "フォルダーがありません" in r.stderr
    r = run_cli("--db", str(db), "status", "--all-plans", "--outstanding")
    assert r.returncode == 0 and r.stdout.splitlines()[0].startswith("担当課\t")
