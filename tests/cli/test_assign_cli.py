"""`assign`: one line says what changed; a bad row is one line naming it and exit 1."""

from __future__ import annotations

import pytest
from conftest import run_cli
from plan_helpers import table

from kanazawa_desktop.services.desk import Desk


@pytest.fixture
def sec_db(tmp_path):
    db = tmp_path / "desk.sqlite3"
    with Desk.open(db) as d:
        d.set_role(secretariat=True)
    return db


def test_assign_sets_departments_of_a_later_plan(sec_db, tmp_path):
    f = table(tmp_path / "a.xlsx", [("No.1", "", "デジタル行政戦略課"), ("No.2", "", "")])
    out = run_cli("--db", str(sec_db), "assign", str(f), "--plan", "デジタル")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("金沢市デジタル戦略2.0: 担当課を 1件変更しました（変更 #")
    assert "変更なし 1件" in out.stdout
    with Desk.open(sec_db) as d:
        d.use_plan("digital_2")
        assert next(r for r in d.rows() if r.number == 1).departments == ("デジタル行政戦略課",)


def test_a_bad_row_is_one_line_and_exit_1(sec_db, tmp_path):
    f = table(tmp_path / "b.xlsx", [("No.1", "", "人事課"), ("No.999", "", "人事課")])
    out = run_cli("--db", str(sec_db), "assign", str(f))
    assert out.returncode == 1
    assert out.stderr.count("\n") == 1 and "5行目" in out.stderr and "No.999" in out.stderr
    assert out.stdout == ""
