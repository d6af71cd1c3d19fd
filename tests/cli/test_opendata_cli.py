"""`opendata FOLDER [--plan KEY]` from the command line: files and a summary, or one line and
the exit code."""

from __future__ import annotations

from conftest import run_cli

from kanazawa_desktop.services.desk import Desk


def test_opendata_writes_the_files_and_refuses_with_one_line(tmp_path):
    db = tmp_path / "sec.sqlite3"
    with Desk.open(db) as d:
        d.set_role(secretariat=True)
    out = run_cli("--db", str(db), "opendata", str(tmp_path / "公開"), "--plan", "総合戦略")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[-1].startswith("オープンデータを書き出しました: 3 ファイル")
    assert {p.name for p in (tmp_path / "公開").iterdir()} == {
        "sogo_senryaku_3_measures.csv",
        "sogo_senryaku_3_indicators.csv",
        "datapackage.json",
    }
    bad = run_cli("--db", str(db), "opendata", str(tmp_path / "x"), "--plan", "存在しない計画")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "エラー" in bad.stderr
    missing = run_cli("--db", str(db), "opendata", str(tmp_path / "no" / "x"))
    assert missing.returncode == 1 and "フォルダーがありません" in missing.stderr
    assert "Traceback" not in missing.stderr + bad.stderr
    with Desk.open(db) as d:
        d.set_role(department="人事課", force=True)
    dept = run_cli("--db", str(db), "opendata", str(tmp_path / "d"))
    assert dept.returncode == 1 and "事務局" in dept.stderr and not (tmp_path / "d").exists()
