"""`conflicts` (TSV worklist), `resolve ID --take file|master | --value TEXT`, and
`import --undo "#3"` as status and the history print the batch."""

from __future__ import annotations

import re

from conftest import run_cli
from exchange_helpers import fill

from kanazawa_desktop.services import exchange as X
from kanazawa_desktop.services.desk import Desk


def mid(desk, number):
    return next(m.id for m in desk.measures() if m.number == number)


def value(db, number, field="result_text", fy=2023):
    with Desk.open(db) as d:
        return getattr(d.measure(mid(d, number)).year(fy), field)


def test_conflicts_are_listed_as_tsv_and_settled_one_by_one(tmp_path):
    db = tmp_path / "sec.sqlite3"
    with Desk.open(db) as d:
        d.set_role(secretariat=True)
        out = X.export_workbook(d, tmp_path / "jinji.xlsx", "人事課").path
        d.save(mid(d, 7), {(2023, "result_text"): "事務局の修正", (2023, "status"): "未達成"})
    fill(
        out,
        {
            ("No.7", "R5", "result"): "課の\t記入\n二行目",
            ("No.7", "R5", "status"): "達成",
            ("No.10", "R5", "result"): "反映",
        },
    )
    r = run_cli("--db", str(db), "import", str(out))
    assert r.returncode == 3, r.stderr
    batch = re.search(r"変更 #(\d+)", r.stdout).group(1)

    r = run_cli("--db", str(db), "conflicts")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split("\t") == [
        "ID", "計画", "担当課", "取組No.", "年度", "項目", "事務局の値", "ブックの値", "取込日時",
        "種別", "理由",
    ]  # fmt: skip
    rows = [line.split("\t") for line in lines[1:]]
    assert [row[1:8] for row in rows] == [
        [
            "金沢市行政経営プラン",
            "人事課",
            "No.7",
            "R5",
            "実施結果",
            "事務局の修正",
            "課の 記入⏎二行目",
        ],
        ["金沢市行政経営プラン", "人事課", "No.7", "R5", "計画達成状況", "未達成", "達成"],
    ]
    text_id, status_id = rows[0][0], rows[1][0]
    r = run_cli("--db", str(db), "conflicts", "--plan", "digital_2")
    assert r.returncode == 0 and r.stdout.splitlines()[1:] == []

    # a bad value: one Japanese line, exit 1, nothing changes
    r = run_cli("--db", str(db), "resolve", status_id, "--value", "達成済み")
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "計画達成状況" in r.stderr
    assert "Traceback" not in r.stderr and value(db, 7, "status") == "not_achieved"
    r = run_cli("--db", str(db), "resolve", "999", "--take", "file")
    assert r.returncode == 1 and "競合 999 はありません" in r.stderr
    for usage in (
        [status_id],
        [status_id, "--take", "file", "--value", "x"],
        ["abc", "--take", "file"],
        [status_id, "--take", "both"],
    ):
        r = run_cli("--db", str(db), "resolve", *usage)
        assert r.returncode == 2 and r.stderr.startswith("kanazawa-desktop: エラー:"), usage
    assert value(db, 7, "status") == "not_achieved"

    r = run_cli("--db", str(db), "resolve", text_id, "--take", "file")
    assert r.returncode == 0 and "解決しました" in r.stdout, r.stderr
    assert value(db, 7) == "課の\t記入\n二行目"
    r = run_cli("--db", str(db), "resolve", status_id, "--value", "達成")
    assert r.returncode == 0 and value(db, 7, "status") == "achieved"
    r = run_cli("--db", str(db), "resolve", status_id, "--take", "master")
    assert r.returncode == 1 and "解決済み" in r.stderr
    r = run_cli("--db", str(db), "conflicts")
    assert r.stdout.splitlines()[1:] == []
    r = run_cli("--db", str(db), "status")
    assert "回収済" in next(x for x in r.stdout.splitlines() if x.startswith("人事課"))

    # the import undone later, by its batch as printed
    assert value(db, 10) == "反映"
    r = run_cli("--db", str(db), "import", "--undo", f"#{batch}")
    assert r.returncode == 0 and "元に戻しました" in r.stdout, r.stderr
    assert value(db, 10) == ""
    r = run_cli("--db", str(db), "import", "--undo", "#x")
    assert r.returncode == 2 and "変更の番号" in r.stderr


def test_open_items_exit_3_are_listed_and_settled_by_a_value(tmp_path):
    """A bad value is applied around: the rest goes in, the item is printed, exit 3; `conflicts`
    lists it as 不正な値 with its reason; --take file is refused; --value settles it."""
    db = tmp_path / "sec.sqlite3"
    dept = "デジタル行政戦略課"
    with Desk.open(db) as d:
        d.set_role(secretariat=True)
        out = X.export_workbook(d, tmp_path / "digi.xlsx", dept).path
    fill(
        out,
        {
            ("No.1", "R5", "actual"): "38名",
            ("No.15", "R5", "status"): "達成済み",
            ("No.22", "R5", "result"): "よい値",
        },
    )
    r = run_cli("--db", str(db), "import", "--dry-run", str(out))
    assert r.returncode == 3, r.stderr
    assert "要修正  No.1 R5 実績値 「38名」: 入力!I" in r.stdout
    assert value(db, 22) == ""  # a dry run writes nothing

    r = run_cli("--db", str(db), "import", str(out))
    assert r.returncode == 3, (r.stdout, r.stderr)
    lines = [line for line in r.stdout.splitlines() if "要修正  " in line]
    assert len(lines) == 2 and "「達成済み」: 入力!G" in lines[1] and "選択肢" in lines[1]
    assert "要修正 2件（不正な値）は反映していません" in r.stdout
    assert value(db, 22) == "よい値" and value(db, 1, "actual") is None

    r = run_cli("--db", str(db), "conflicts")
    rows = [line.split("\t") for line in r.stdout.splitlines()[1:]]
    assert [(row[3], row[5], row[7], row[9]) for row in rows] == [
        ("No.1", "実績値", "38名", "不正な値"),
        ("No.15", "計画達成状況", "達成済み", "不正な値"),
    ]
    assert "単位「名」" in rows[0][10] and rows[0][10].startswith("入力!I")
    first = rows[0][0]

    r = run_cli("--db", str(db), "resolve", first, "--take", "file")
    assert r.returncode == 1 and r.stderr.count("\n") == 1, r.stderr
    assert (
        r.stderr.startswith("kanazawa-desktop: エラー: ") and "ブックの値にはできません" in r.stderr
    )
    assert value(db, 1, "actual") is None

    r = run_cli("--db", str(db), "resolve", first, "--value", "38")
    assert r.returncode == 0, r.stderr
    assert value(db, 1, "actual") == 38
    r = run_cli("--db", str(db), "conflicts")
    assert len(r.stdout.splitlines()) == 2  # the header and the status item
