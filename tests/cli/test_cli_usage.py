"""The command line's own words: argparse in Japanese, backup targets, role changes, 未確定.

In-process through cli.main (no window, no child) except where a child is the point."""

from __future__ import annotations

import pytest
from conftest import run_cli

from kanazawa_desktop.cli import main
from kanazawa_desktop.cli.import_cmd import show
from kanazawa_desktop.cli.parser import translate
from kanazawa_desktop.domain.display import format_value
from kanazawa_desktop.services.desk import Desk


def _run(capsys, *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse: usage errors and --help
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _one_japanese_line(err: str) -> str:
    assert err.count("\n") == 1 and err.startswith("kanazawa-desktop: エラー: "), err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--bogus",), "認識できない引数があります: --bogus"),
        (("frob",), "選択肢にない値です: frob"),
        (("import", "--undo", "x"), "--undo: 変更の番号は #3 や 3 のように指定してください: x"),
        (("backup",), "次の引数が必要です: OUT.sqlite3"),
        (("init",), "次の引数のどれか一つが必要です"),
        (("init", "--department", "人事課", "--secretariat"), "同時には指定できません"),
        (("import", "--undo"), "--undo: 値を一つ指定してください"),
        (("status", "--what"), "認識できない引数があります"),
    ],
)
def test_usage_errors_are_japanese_one_line_exit_2(capsys, tmp_path, args, words):
    code, _out, err = _run(capsys, "--db", str(tmp_path / "x.sqlite3"), *args)
    assert code == 2
    line = _one_japanese_line(err)
    assert words in line
    for english in ("invalid", "unrecognized", "required", "argument", "expected", "choose"):
        assert english not in line
    assert not (tmp_path / "x.sqlite3").exists()


def test_help_is_japanese(capsys):
    code, out, _err = _run(capsys, "backup", "--help")
    assert code == 0
    assert (
        out.startswith("使い方: ")
        and "オプション:" in out
        and "この説明を表示して終了します" in out
    )
    assert "usage" not in out and "show this help" not in out and "positional" not in out
    code, out, _err = _run(capsys, "--help")
    assert "コマンド:" in out and "使い方: " in out


def test_an_unknown_message_passes_through_unchanged():
    assert translate("something argparse may say one day") == "something argparse may say one day"


@pytest.mark.parametrize(
    "command",
    [
        ("status",),
        ("export", "out.xlsx"),
        ("import", "x.xlsx"),
        ("backup", "b.sqlite3"),
        ("indicators",),
        ("plans",),
        ("print", "out.pdf"),
    ],
)
def test_every_command_but_init_refuses_a_missing_database(capsys, tmp_path, command):
    db = tmp_path / "typo.sqlite3"
    code, _out, err = _run(capsys, "--db", str(db), *command)
    assert code == 1
    assert "データベースファイルがありません" in _one_japanese_line(err)
    assert not db.exists()


# ---- backup: a folder is a folder -------------------------------------------------------------


def _department_db(tmp_path):
    db = tmp_path / "d.sqlite3"
    with Desk.open(db) as d:
        d.set_role(department="人事課")
    return db


def test_backup_to_a_missing_folder_with_a_separator_is_refused(capsys, tmp_path):
    db = _department_db(tmp_path)
    code, _out, err = _run(capsys, "--db", str(db), "backup", str(tmp_path / "bk") + "/")
    assert code == 1 and "保存先のフォルダーがありません" in _one_japanese_line(err)
    assert not (tmp_path / "bk").exists()  # no file named bk either


def test_backup_into_a_folder_twice_in_the_same_minute_keeps_both(capsys, tmp_path):
    db = _department_db(tmp_path)
    (tmp_path / "bk").mkdir()
    for target in (str(tmp_path / "bk") + "/", str(tmp_path / "bk"), str(tmp_path / "bk") + "/"):
        code, _out, err = _run(capsys, "--db", str(db), "backup", target)
        assert code == 0, err
    saved = sorted(p.name for p in (tmp_path / "bk").iterdir())
    assert len(saved) == 3 and all(n.startswith("d_") and n.endswith(".sqlite3") for n in saved)
    for name in saved:
        with Desk.open(tmp_path / "bk" / name) as copy:
            assert copy.role.department == "人事課"


# ---- init: crossing between the secretariat and a department ------------------------------


def test_init_crossing_roles_needs_force_and_is_recorded(capsys, tmp_path):
    db = tmp_path / "sec.sqlite3"
    assert _run(capsys, "--db", str(db), "init", "--secretariat")[0] == 0
    before = db.read_bytes()
    code, _out, err = _run(capsys, "--db", str(db), "init", "--department", "人事課")
    assert code == 1 and "--force" in _one_japanese_line(err) and "事務局" in err
    with Desk.open(db) as d:
        assert d.role.is_secretariat and d.role_changes() == []
    code, out, err = _run(capsys, "--db", str(db), "init", "--department", "人事課", "--force")
    assert code == 0, err
    assert "役割を事務局から人事課に変更しました" in out
    with Desk.open(db) as d:
        assert d.role.department == "人事課"
        (change,) = d.role_changes()
        assert change["from"] == "事務局" and change["to"] == "人事課" and change["at"]
    # the reverse too; a change between departments is no crossing
    assert _run(capsys, "--db", str(db), "init", "--department", "財政課")[0] == 0
    code, _out, err = _run(capsys, "--db", str(db), "init", "--secretariat")
    assert code == 1 and "財政課のもの" in _one_japanese_line(err)
    assert _run(capsys, "--db", str(db), "init", "--secretariat", "--force")[0] == 0
    with Desk.open(db) as d:
        assert [c["to"] for c in d.role_changes()] == ["人事課", "事務局"]
    assert before != db.read_bytes()


def test_init_force_in_a_child_process(tmp_path):
    db = tmp_path / "d.sqlite3"
    assert run_cli("--db", str(db), "init", "--department", "人事課").returncode == 0
    out = run_cli("--db", str(db), "init", "--secretariat")
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert out.stderr.count("\n") == 1


# ---- one word for an unset status --------------------------------------------------------


def test_an_unset_status_is_mikakutei_on_the_command_line():
    assert show("", "status") == "「未確定」"
    assert show(None, "status") == "「未確定」"
    assert show("achieved", "status") == "「達成」"
    assert show("", "result_text") == "（空欄）"
    assert format_value("status", None) == "未確定"
