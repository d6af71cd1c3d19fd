"""Every command with a server DSN, as the secretariat and a department would type them."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli
from exchange_helpers import fill

from kanazawa_desktop.services.desk import Desk


@pytest.fixture
def dsn(server) -> str:
    return server.display


def _ok(*args: str, input: str | None = None) -> str:
    r = run_cli(*args, input=input)
    assert r.returncode == 0, (args, r.stderr)
    assert "Traceback" not in r.stderr
    return r.stdout


def test_the_secretariat_round_on_a_server(dsn, server, tmp_path: Path):
    out = _ok("--db", dsn, "init", "--secretariat")
    assert "事務局として設定しました（取組 92 件）" in out
    login = f"jinji_{server.dbname}"
    assert "作りました（人事課）" in _ok(
        "--db", dsn, "user", "add", login, "--department", "人事課", "--password-stdin",
        input="password123\n",
    )  # fmt: skip
    assert f"{login}\t人事課" in _ok("--db", dsn, "user", "list")
    assert "行政経営プラン" in _ok("--db", dsn, "plans")
    # the workbook round works beside the server: export, a department fills it, import
    book = tmp_path / "jinji.xlsx"
    _ok("--db", dsn, "export", str(book), "--department", "人事課", "--deadline", "2099-12-25")
    filled = fill(book, {("No.10", "R5", "result"): "サーバーへ回収"}, tmp_path / "back.xlsx")
    assert "1件を反映しました" in _ok("--db", dsn, "import", str(filled))
    with Desk.open(server) as desk:
        m = next(m for m in desk.measures() if m.number == 10)
        assert m.years[2023].result_text == "サーバーへ回収"
    assert "人事課" in _ok("--db", dsn, "status")
    _ok("--db", dsn, "conflicts")
    assert "令和5年度" in _ok("--db", dsn, "year", "close", "R5")
    _ok("--db", dsn, "indicators")
    pdf = tmp_path / "out.pdf"
    _ok("--db", dsn, "print", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    _ok("--db", dsn, "opendata", str(tmp_path / "open"))
    assert (tmp_path / "open" / "datapackage.json").exists()
    dump = tmp_path / "city.dump"
    _ok("--db", dsn, "backup", str(dump))
    assert dump.read_bytes().startswith(b"PGDMP")  # pg_dump's custom format


def test_a_department_login_on_the_command_line(dsn, server):
    _ok("--db", dsn, "init", "--secretariat")
    login = f"jinji_{server.dbname}"
    _ok("--db", dsn, "user", "add", login, "--department", "人事課", "--password-stdin",
        input="password123\n")  # fmt: skip
    mine = server.as_user(login, "password123").display.replace(
        f"{login}@", f"{login}:password123@"
    )
    r = run_cli("--db", mine, "status")
    assert r.returncode == 1 and "事務局のデータベースで確認します" in r.stderr
    r = run_cli("--db", mine, "user", "add", "x_" + server.dbname, "--secretariat",
                "--password-stdin", input="password123\n")  # fmt: skip
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "事務局だけ" in r.stderr
    r = run_cli("--db", mine, "init", "--department", "財政課")
    assert r.returncode == 1 and "ログインで決まります" in r.stderr


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (("--db", "postgresql://127.0.0.1/x", "status"), 2, "ログイン名"),
        (("--db", "postgresql://u@127.0.0.1:99999/x", "status"), 2, "ポート番号"),
        (("--db", "postgresql://u@127.0.0.1:1/x", "status"), 1, "サーバーに接続できません"),
    ],
)
def test_a_bad_server_is_one_line(args, code, words):
    r = run_cli(*args)
    assert r.returncode == code, r.stderr
    assert words in r.stderr and "Traceback" not in r.stderr
    assert r.stderr.strip().count("\n") == 0  # one line, usage errors included


def test_an_empty_server_database_is_not_created_by_an_ordinary_command(dsn):
    r = run_cli("--db", dsn, "status")
    assert r.returncode == 1 and "init --secretariat で作成してください" in r.stderr
