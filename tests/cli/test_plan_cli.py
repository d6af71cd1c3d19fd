"""`plan import` / `plan export`: one line says what was added or written; a bad file is one
line naming the sheet and row, exit 1, nothing added; wrong usage exit 2; never a traceback."""

from __future__ import annotations

import pytest
from conftest import run_cli
from plan_workbook_helpers import plan_workbook

from kanazawa_desktop.services.desk import Desk


@pytest.fixture
def sec_db(tmp_path):
    db = tmp_path / "desk.sqlite3"
    with Desk.open(db) as d:
        d.set_role(secretariat=True)
    return db


def _codes(db):
    with Desk.open(db, create=False) as d:
        return [p.code for p in d.plans()]


def test_export_then_import_under_a_new_key(sec_db, tmp_path):
    out = tmp_path / "digital.xlsx"
    run = run_cli("--db", str(sec_db), "plan", "export", str(out), "--plan", "デジタル")
    assert run.returncode == 0, run.stderr
    assert "金沢市デジタル戦略2.0（digital_2）を書き出しました" in run.stdout and out.exists()
    dry = run_cli("--db", str(sec_db), "plan", "import", str(out), "--key", "d3", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.startswith("追加します（確認のみ）: 計画「金沢市デジタル戦略2.0」（キー d3")
    assert "d3" not in _codes(sec_db)
    run = run_cli("--db", str(sec_db), "plan", "import", str(out), "--key", "d3")
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("追加しました（変更 #") and "施策 16件" in run.stdout
    assert _codes(sec_db)[-1] == "d3"
    plans = run_cli("--db", str(sec_db), "plans")
    assert "d3\t金沢市デジタル戦略2.0\tR3–R4" in plans.stdout


def test_a_hand_filled_plan_imports_with_its_own_key(sec_db, tmp_path):
    run = run_cli("--db", str(sec_db), "plan", "import", str(plan_workbook(tmp_path / "r9.xlsx")))
    assert run.returncode == 0, run.stderr
    assert "gyosei_r9" in _codes(sec_db)


def test_a_bad_file_is_one_line_and_exit_1(sec_db, tmp_path):
    def edit(wb):
        wb["取組"]["C3"] = "9-9"

    bad = plan_workbook(tmp_path / "bad.xlsx", edit)
    run = run_cli("--db", str(sec_db), "plan", "import", str(bad))
    assert run.returncode == 1
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    assert run.stderr.startswith("kanazawa-desktop: エラー: bad.xlsx: シート「取組」3行目")
    (tmp_path / "text.xlsx").write_text("a,b\n1,2\n")
    run = run_cli("--db", str(sec_db), "plan", "import", str(tmp_path / "text.xlsx"))
    assert run.returncode == 1 and run.stderr.count("\n") == 1 and "CSV" in run.stderr
    good = plan_workbook(tmp_path / "r9.xlsx")
    run = run_cli("--db", str(sec_db), "plan", "import", str(good), "--key", "gyosei_keiei")
    assert run.returncode == 1 and "すでに計画「金沢市行政経営プラン」" in run.stderr
    assert len(_codes(sec_db)) == 3


def test_usage_errors_exit_2(sec_db, tmp_path):
    for args in (
        ("plan",),
        ("plan", "export", str(tmp_path / "x.xlsx")),  # --plan is required
        ("plan", "export", str(tmp_path / "x.xlsx"), "--plan", "ない計画"),
        ("plan", "import"),
    ):
        run = run_cli("--db", str(sec_db), *args)
        assert run.returncode == 2, (args, run.stderr)
        assert run.stderr.startswith("kanazawa-desktop: エラー: ") and "Traceback" not in run.stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_a_department_database_cannot_import_a_plan(tmp_path):
    db = tmp_path / "jinji.sqlite3"
    with Desk.open(db) as d:
        d.set_role(department="人事課")
    run = run_cli("--db", str(db), "plan", "import", str(plan_workbook(tmp_path / "r9.xlsx")))
    assert run.returncode == 1 and "事務局" in run.stderr
