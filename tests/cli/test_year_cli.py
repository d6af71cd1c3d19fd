"""`year [list] | close Y | open Y [--plan KEY]` from the command line."""

from __future__ import annotations

from conftest import run_cli

from kanazawa_desktop.services.desk import Desk


def test_year_close_open_and_list(tmp_path):
    db = tmp_path / "sec.sqlite3"
    with Desk.open(db) as d:
        d.set_role(secretariat=True)
    k = ("--db", str(db), "year")
    out = run_cli(*k, "close", "R5")
    assert out.returncode == 0 and "令和5年度を締め切りました" in out.stdout
    listing = run_cli(*k).stdout.splitlines()
    assert listing[0].split("\t") == ["年度", "状態", "締切日時", "締切者", "今年度"]
    assert (
        listing[1].split("\t")[:2] == ["R5", "締切済み"] and listing[2].split("\t")[1] == "受付中"
    )
    again = run_cli(*k, "close", "令和5年度")
    assert again.returncode == 1 and "すでに締め切られています" in again.stderr
    bad = run_cli(*k, "close", "来年")
    assert bad.returncode == 2 and "年度ではありません" in bad.stderr
    other = run_cli(*k, "--plan", "総合戦略", "close", "R6")  # --plan before the operation
    assert other.returncode == 0 and "第3次金沢版総合戦略 令和6年度" in other.stdout
    assert "締切済み" not in run_cli(*k).stdout.splitlines()[2]  # the first plan's R6: open
    assert run_cli(*k, "open", "2023").returncode == 0
    assert "締切済み" not in run_cli(*k, "list").stdout
    with Desk.open(db) as d:
        d.set_role(department="人事課", force=True)
    dept = run_cli(*k, "close", "R5")
    assert dept.returncode == 1 and "事務局" in dept.stderr and "Traceback" not in dept.stderr
