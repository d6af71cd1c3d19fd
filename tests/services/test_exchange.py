"""Preview, three-way merge, apply, undo, 回収状況, the department PC's round, and migration."""

from __future__ import annotations

import re
import sqlite3

import pytest
from conftest import FIXTURES
from exchange_helpers import fill, synced_pcs

from kanazawa_desktop.domain.errors import DeskError
from kanazawa_desktop.services import exchange as X
from kanazawa_desktop.services.desk import Desk


def mid(desk, number):
    return next(m.id for m in desk.measures() if m.number == number)


def result(desk, number, fy=2023, field="result_text"):
    m = desk.measure(mid(desk, number))
    return getattr(m.year(fy), field)


@pytest.fixture
def issued(secretariat, tmp_path):
    return X.export_workbook(secretariat, tmp_path / "jinji.xlsx", "人事課").path


def test_preview_writes_nothing_then_apply_and_twice(secretariat, issued):
    fill(issued, {("No.7", "R5", "result"): "庁舎で運用開始", ("No.7", "R5", "status"): "達成"})
    [pv] = X.preview_import(secretariat, [issued])
    assert [(pv.describe(c), c.master, c.file) for c in pv.changes] == [
        ("No.7 R5 実施結果", "", "庁舎で運用開始"),
        ("No.7 R5 計画達成状況", "", "achieved"),
    ]
    assert result(secretariat, 7) == ""  # the dry run changed nothing
    res = X.apply_import(secretariat, pv)
    assert res.batch_id and len(res.applied) == 2
    assert result(secretariat, 7) == "庁舎で運用開始"
    hist = secretariat.history(mid(secretariat, 7))
    assert hist[0].source == "import"
    [again] = X.preview_import(secretariat, [issued])
    assert again.already is not None and "すでに取り込み済み" in again.summary()
    second = X.apply_import(secretariat, again)
    assert second.already and second.batch_id is None and "取り込み済み" in second.summary()


def test_conflict_keep_and_take(secretariat, issued):
    fill(issued, {("No.7", "R5", "result"): "課の記入", ("No.10", "R5", "result"): "課の記入2"})
    secretariat.save(mid(secretariat, 7), {(2023, "result_text"): "事務局の修正"})
    secretariat.save(mid(secretariat, 10), {(2024, "result_text"): "事務局だけ"})
    [pv] = X.preview_import(secretariat, [issued])
    assert [pv.describe(c) for c in pv.conflicts] == ["No.7 R5 実施結果"]
    assert [pv.describe(c) for c in pv.changes] == ["No.10 R5 実施結果"]
    res = X.apply_import(secretariat, pv)  # conflicts left open
    assert result(secretariat, 7) == "事務局の修正" and result(secretariat, 10) == "課の記入2"
    assert result(secretariat, 10, 2024) == "事務局だけ"  # changed only in the master: kept
    assert len(res.open_conflicts) == 1
    status = {s.department: s for s in X.collection_status(secretariat)}
    assert status["人事課"].state == "競合あり" and status["人事課"].issued_at
    assert status["人事課"].open_conflicts[0].what == "No.7 R5 実施結果"
    # undo, then apply again taking the file's side of the conflict
    X.undo_import(secretariat, res.batch_id)
    [pv] = X.preview_import(secretariat, [issued])
    res = X.apply_import(secretariat, pv, {c.key: X.TAKE_FILE for c in pv.conflicts})
    assert result(secretariat, 7) == "課の記入" and not res.open_conflicts
    assert {s.department: s for s in X.collection_status(secretariat)}["人事課"].state == "回収済"


def test_blank_cell_over_a_value_needs_confirmation(secretariat, tmp_path):
    secretariat.save(
        mid(secretariat, 7), {(2023, "result_text"): "記入済み", (2023, "status"): "達成"}
    )
    out = X.export_workbook(secretariat, tmp_path / "j.xlsx", "人事課").path
    fill(out, {("No.7", "R5", "result"): None, ("No.7", "R5", "status"): None})
    [pv] = X.preview_import(secretariat, [out])
    assert not pv.changes and {c.decision for c in pv.conflicts} == {"blank"}
    X.apply_import(secretariat, pv)
    assert (
        result(secretariat, 7) == "記入済み"
        and result(secretariat, 7, field="status") == "achieved"
    )
    [pv] = X.preview_import(secretariat, [out])
    assert pv.already is not None


def test_blank_taken_explicitly(secretariat, tmp_path):
    secretariat.save(mid(secretariat, 7), {(2023, "result_text"): "記入済み"})
    out = X.export_workbook(secretariat, tmp_path / "j.xlsx", "人事課").path
    fill(out, {("No.7", "R5", "result"): None})
    [pv] = X.preview_import(secretariat, [out])
    X.apply_import(secretariat, pv, {pv.conflicts[0].key: X.TAKE_FILE})
    assert result(secretariat, 7) == ""


def test_undo_refused_after_a_later_change(secretariat, issued):
    fill(issued, {("No.7", "R5", "result"): "取込の値"})
    [pv] = X.preview_import(secretariat, [issued])
    res = X.apply_import(secretariat, pv)
    secretariat.save(mid(secretariat, 7), {(2023, "result_text"): "その後の修正"})
    with pytest.raises(DeskError, match="元に戻せません"):
        X.undo_import(secretariat, res.batch_id)
    assert result(secretariat, 7) == "その後の修正"


def test_master_changed_between_preview_and_apply(secretariat, issued):
    fill(issued, {("No.7", "R5", "result"): "取込の値"})
    [pv] = X.preview_import(secretariat, [issued])
    secretariat.save(mid(secretariat, 7), {(2023, "result_text"): "割り込み"})
    with pytest.raises(DeskError, match="もう一度確認"):
        X.apply_import(secretariat, pv)
    assert result(secretariat, 7) == "割り込み"


def test_department_reassigned_after_issue_is_refused(secretariat, issued):
    fill(issued, {("No.10", "R5", "result"): "入力"})
    secretariat.save(mid(secretariat, 10), {(None, "departments"): ["デジタル行政戦略課"]})
    [pv] = X.preview_import(secretariat, [issued])
    assert pv.refused and "担当外" in pv.refusals[0].message


def test_department_pc_round_trip(tmp_path):
    """Secretariat issues the master; the department PC syncs, types, exports; the secretariat merges."""
    master_db, dept_db = tmp_path / "master.sqlite3", tmp_path / "jinji.sqlite3"
    with Desk.open(master_db) as sec:
        sec.set_role(secretariat=True)
        sec.save(
            mid(sec, 7),
            {(2023, "plan_text"): "事務局が直した計画", (2023, "result_text"): "事務局の記入"},
        )
        sec.save(mid(sec, 1), {(2023, "status"): "達成"})
        master = X.export_workbook(sec, tmp_path / "master.xlsx").path
    with Desk.open(dept_db) as dept:
        dept.set_role(department="人事課")
        early = X.export_workbook(dept, tmp_path / "early.xlsx").path  # before any sync
        [pv] = X.preview_import(dept, [master])
        assert pv.kind == "sync" and not pv.refused, pv.refusals
        X.apply_import(dept, pv)
        assert (
            result(dept, 7) == "事務局の記入"
            and dept.measure(mid(dept, 7)).year(2023).plan_text == "事務局が直した計画"
        )
        assert result(dept, 1, field="status") == "achieved"  # another department's status
        dept.save(mid(dept, 7), {(2024, "result_text"): "課がアプリで記入"})
        back = X.export_workbook(dept, tmp_path / "jinji_back.xlsx").path
        with pytest.raises(DeskError):
            X.export_workbook(dept, tmp_path / "x.xlsx", department="デジタル行政戦略課")
        [own] = X.preview_import(dept, [back])
        assert own.refused and "事務局へ送って" in own.error
    with Desk.open(master_db) as sec:
        [pv] = X.preview_import(sec, [back])
        assert not pv.refused, (pv.error, pv.refusals)
        assert [pv.describe(c) for c in pv.changes] == ["No.7 R6 実施結果"]
        X.apply_import(sec, pv)
        assert result(sec, 7, 2024) == "課がアプリで記入"
        [pv] = X.preview_import(sec, [early])
        assert pv.refused and "取り込んでから" in pv.error


def test_export_departments_in_one_step(secretariat, tmp_path):
    results = X.export_departments(secretariat, tmp_path)
    assert len(results) == len({d for m in secretariat.measures() for d in m.departments})
    assert all(r.department in r.path.name for r in results)
    status = X.collection_status(secretariat)
    assert all(s.issued_at and s.state == "未回収" for s in status)


def test_cli_export_import_exit_codes(tmp_path):
    from conftest import run_cli

    db = tmp_path / "db.sqlite3"
    assert run_cli("--db", str(db), "init", "--secretariat").returncode == 0
    out = tmp_path / "j.xlsx"
    r = run_cli("--db", str(db), "export", str(out), "--department", "人事課")
    assert r.returncode == 0 and "人事課" in r.stdout
    fill(out, {("No.7", "R5", "result"): "CLIで記入"})
    r = run_cli("--db", str(db), "import", str(out), "--dry-run")
    assert r.returncode == 0 and "確認のみ" in r.stdout and "CLIで記入" in r.stdout
    r = run_cli("--db", str(db), "import", str(out))
    assert r.returncode == 0 and "1件を反映" in r.stdout
    r = run_cli("--db", str(db), "import", str(out))
    assert r.returncode == 0 and "取り込み済み" in r.stdout
    r = run_cli("--db", str(db), "import", "--undo", "1")
    assert r.returncode == 0 and "元に戻しました" in r.stdout
    r = run_cli("--db", str(db), "import", "--undo", "1")
    assert r.returncode == 1 and "すでに元に戻されています" in r.stderr
    r = run_cli("--db", str(db), "import")
    assert r.returncode == 2
    r = run_cli("--db", str(db), "import", str(out))  # an undone import may be applied again
    assert r.returncode == 0 and "1件を反映" in r.stdout
    bad = tmp_path / "bad.xlsx"
    bad.write_text("a,b\n1,2\n")
    r = run_cli("--db", str(db), "import", str(bad), str(out))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stderr.count("\n") == 1 and "CSV" in r.stderr
    # a conflict: exit 3, listed, unapplied
    with Desk.open(db) as d:
        d.save(mid(d, 7), {(2023, "result_text"): "事務局の修正"})
        out2 = X.export_workbook(d, tmp_path / "j2.xlsx", "人事課").path
        d.save(mid(d, 7), {(2023, "result_text"): "さらに修正"})
    fill(out2, {("No.7", "R5", "result"): "課の記入"})
    r = run_cli("--db", str(db), "import", str(out2))
    assert r.returncode == 3 and "競合" in r.stdout
    with Desk.open(db) as d:
        assert result(d, 7) == "さらに修正"
    r = run_cli("--db", str(db), "export", str(tmp_path / "nofolder" / "x.xlsx"))
    assert r.returncode == 1 and "フォルダー" in r.stderr and "Traceback" not in r.stderr
    # 回収状況: the conflict left open is listed under 人事課
    r = run_cli("--db", str(db), "status")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("回収 1 / ")
    [jinji] = [i for i, line in enumerate(lines) if line.startswith("人事課")]
    assert (
        "競合あり" in lines[jinji]
        and "j2.xlsx" in lines[jinji]
        and "未解決の競合 1件" in lines[jinji]
    )
    assert re.fullmatch(r"競合 \d+  No\.7 R5 実施結果", lines[jinji + 1].strip())
    assert any(line.startswith("デジタル行政戦略課") and "未配布" in line for line in lines)
    dept_db = tmp_path / "dept.sqlite3"
    run_cli("--db", str(dept_db), "init", "--department", "人事課")
    r = run_cli("--db", str(dept_db), "status")
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "事務局" in r.stderr


@pytest.mark.parametrize(
    ("version", "dept", "measure", "text"),
    [
        (1, "人事課", None, "v1の結果"),  # a department PC of the first release
        (2, None, 10, "v2の結果"),  # the secretariat, after the workbook exchange came
        (3, None, 10, "v3の結果"),  # the secretariat, having issued and imported workbooks
    ],
)
def test_migrates_an_earlier_database(tmp_path, version, dept, measure, text):

    from kanazawa_desktop.store.schema import LATEST_VERSION

    path = tmp_path / "old.sqlite3"
    con = sqlite3.connect(path)
    dump = FIXTURES / f"schema_v{version}.sql"
    con.executescript(dump.read_text(encoding="utf-8"))
    con.close()
    with Desk.open(path) as desk:
        assert desk.role.department == dept
        assert any(
            m.year(2023).result_text == text
            for m in desk.measures()
            if measure is None or m.number == measure
        )
        assert X.collection_status(desk) is not None
        X.export_workbook(desk, tmp_path / "after.xlsx")
        if dept is None:  # the new hierarchy history works on the migrated file
            node = desk.nodes()[0]
            desk.rename_node(node.id, "移行後の名称")
            assert desk.undo()
    con = sqlite3.connect(path)
    assert con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == str(
        LATEST_VERSION
    )
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"exchange_export", "exchange_import", "exchange_base", "node_change"} <= tables
    con.close()
    backups = list(tmp_path.glob(f"old.sqlite3.v{version}-*.bak"))
    assert len(backups) == 1
    con = sqlite3.connect(backups[0])
    assert con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == str(
        version
    )
    con.close()


def test_department_pc_sync_conflict_and_edited_master_refused(tmp_path):
    master_db, dept_db = synced_pcs(tmp_path)
    with Desk.open(dept_db) as dept:
        dept.save(mid(dept, 7), {(2023, "result_text"): "課の記入（未送付）"})
        dept.save(mid(dept, 10), {(2023, "result_text"): "課だけの記入"})
    with Desk.open(master_db) as sec:
        sec.save(mid(sec, 7), {(2023, "result_text"): "事務局の記入"})
        second = X.export_workbook(sec, tmp_path / "m2.xlsx").path
    edited = fill(
        second, {("No.1", "R5", "result"): "課が一覧表に書き込んだ"}, tmp_path / "m2_edited.xlsx"
    )
    with Desk.open(dept_db) as dept:
        [pv] = X.preview_import(dept, [edited])
        assert pv.refused and "受け取ったまま" in pv.refusals[0].message
        [pv] = X.preview_import(dept, [second])
        assert [pv.describe(c) for c in pv.conflicts] == ["No.7 R5 実施結果"]
        X.apply_import(dept, pv)  # the conflict stays: this PC keeps its own text
        assert result(dept, 7) == "課の記入（未送付）"
        assert result(dept, 10) == "課だけの記入"  # changed only here: kept


def _shape(path) -> dict:
    con = sqlite3.connect(path)
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    out = {
        t: (
            sorted(tuple(c[1:]) for c in con.execute(f'PRAGMA table_info("{t}")')),
            sorted(tuple(k[2:5]) for k in con.execute(f'PRAGMA foreign_key_list("{t}")')),
            sorted(i[1] for i in con.execute(f'PRAGMA index_list("{t}")')),
        )
        for t in tables
    }
    con.close()
    return out


@pytest.mark.parametrize("version", [1, 2, 3])
def test_migrated_schema_is_the_schema_of_a_new_file(tmp_path, version):

    old = tmp_path / "old.sqlite3"
    con = sqlite3.connect(old)
    con.executescript((FIXTURES / f"schema_v{version}.sql").read_text(encoding="utf-8"))
    con.close()
    Desk.open(old).close()
    new = tmp_path / "new.sqlite3"
    Desk.open(new).close()
    assert _shape(old) == _shape(new)


def test_undoing_a_sync_puts_the_merge_base_back(tmp_path):
    """Otherwise the department's next return would present the undone values as its own edits."""
    master_db, dept_db = synced_pcs(tmp_path)
    versions = []
    for text in ("事務局の記入A", "事務局の訂正B"):
        with Desk.open(master_db) as sec:
            sec.save(mid(sec, 10), {(2023, "result_text"): text})
            versions.append(X.export_workbook(sec, tmp_path / f"{text}.xlsx").path)
    with Desk.open(dept_db) as dept:
        X.apply_import(dept, X.preview_import(dept, [versions[0]])[0])
        res = X.apply_import(dept, X.preview_import(dept, [versions[1]])[0])
        assert result(dept, 10) == "事務局の訂正B"
        X.undo_import(dept, res.batch_id)
        assert result(dept, 10) == "事務局の記入A"
        back = X.export_workbook(dept, tmp_path / "return.xlsx").path
    with Desk.open(master_db) as sec:
        [pv] = X.preview_import(sec, [back])
        assert not pv.changes and not pv.conflicts  # the secretariat's correction stands
        X.apply_import(sec, pv)
        assert result(sec, 10) == "事務局の訂正B"


def test_a_sync_conflict_kept_on_the_department_pc_comes_back_as_a_conflict(tmp_path):
    """The secretariat corrects a returned text; the department PC leaves the sync conflict
    open (or keeps its own): its next return must not silently undo the correction."""
    for choice in (None, X.TAKE_MASTER):
        master_db, dept_db = synced_pcs(tmp_path / str(choice))
        with Desk.open(dept_db) as dept:
            dept.save(mid(dept, 10), {(2023, "result_text"): "受講者１２０名"})
            p1 = X.export_workbook(dept, tmp_path / f"{choice}p1.xlsx").path
        with Desk.open(master_db) as sec:
            X.apply_import(sec, X.preview_import(sec, [p1])[0])
            sec.save(mid(sec, 10), {(2023, "result_text"): "受講者120名"})
            m2 = X.export_workbook(sec, tmp_path / f"{choice}m2.xlsx").path
        with Desk.open(dept_db) as dept:
            [pv] = X.preview_import(dept, [m2])
            [c] = pv.conflicts
            X.apply_import(dept, pv, {c.key: choice} if choice else None)
            dept.save(mid(dept, 23), {(2023, "result_text"): "別の取組の結果"})
            p2 = X.export_workbook(dept, tmp_path / f"{choice}p2.xlsx").path
        with Desk.open(master_db) as sec:
            [pv] = X.preview_import(sec, [p2])
            assert [pv.describe(c) for c in pv.conflicts] == ["No.10 R5 実施結果"]
            X.apply_import(sec, pv)
            assert result(sec, 10) == "受講者120名" and result(sec, 23) == "別の取組の結果"


def test_the_secretariat_resetting_a_status_reaches_an_untouched_department_pc(tmp_path):
    master_db, dept_db = synced_pcs(tmp_path)
    with Desk.open(dept_db) as dept:
        dept.save(mid(dept, 10), {(2023, "status"): "達成", (2023, "result_text"): "研修を実施"})
        p1 = X.export_workbook(dept, tmp_path / "p1.xlsx").path
    with Desk.open(master_db) as sec:
        X.apply_import(sec, X.preview_import(sec, [p1])[0])
        m2 = X.export_workbook(sec, tmp_path / "m2.xlsx").path
    with Desk.open(dept_db) as dept:
        X.apply_import(dept, X.preview_import(dept, [m2])[0])
    with Desk.open(master_db) as sec:
        sec.save(mid(sec, 10), {(2023, "status"): "未確定", (2023, "result_text"): ""})
        m3 = X.export_workbook(sec, tmp_path / "m3.xlsx").path
    with Desk.open(dept_db) as dept:
        [pv] = X.preview_import(dept, [m3])
        assert (
            not pv.conflicts and len(pv.changes) == 2
        )  # not 空欄 conflicts: the secretariat decided
        X.apply_import(dept, pv)
        assert result(dept, 10, field="status").value == "" and result(dept, 10) == ""


def test_an_older_workbook_than_one_already_imported_is_refused(tmp_path):
    import time

    master_db, dept_db = synced_pcs(tmp_path)
    with Desk.open(dept_db) as dept:
        dept.save(mid(dept, 10), {(2023, "status"): "達成"})
        monday = X.export_workbook(dept, tmp_path / "monday.xlsx").path
        time.sleep(1.1)  # manifests carry the time to the second
        dept.save(mid(dept, 10), {(2023, "status"): "未確定"})
        wednesday = X.export_workbook(dept, tmp_path / "wednesday.xlsx").path
    with Desk.open(master_db) as sec:
        X.apply_import(sec, X.preview_import(sec, [wednesday])[0])
        [pv] = X.preview_import(sec, [monday])
        assert pv.error and "これより新しい人事課のブック" in pv.error and pv.error_kind == "older"
        assert result(sec, 10, field="status").value == ""
        old_master = X.export_workbook(sec, tmp_path / "m_old.xlsx").path
        time.sleep(1.1)
        new_master = X.export_workbook(sec, tmp_path / "m_new.xlsx").path
    with Desk.open(dept_db) as dept:
        X.apply_import(dept, X.preview_import(dept, [new_master])[0])
        [pv] = X.preview_import(dept, [old_master])
        assert pv.error and "これより新しい事務局の一覧表" in pv.error


def test_cli_applies_returns_touching_the_same_joint_field_one_after_the_other(tmp_path):
    from conftest import run_cli

    db = tmp_path / "db.sqlite3"
    assert run_cli("--db", str(db), "init", "--secretariat").returncode == 0
    with Desk.open(db) as d:
        joint = next(m for m in d.measures() if len(m.departments) > 1 and not m.is_repeat)
        a, b = joint.departments[:2]
        pa = X.export_workbook(d, tmp_path / "a.xlsx", a).path
        pb = X.export_workbook(d, tmp_path / "b.xlsx", b).path
    label = joint.number_label
    fill(pa, {(label, "R5", "result"): f"{a}の記入"})
    fill(pb, {(label, "R5", "result"): f"{b}の記入"})
    r = run_cli("--db", str(db), "import", str(pa), str(pb), str(pa))
    assert r.returncode == 3, r.stdout + r.stderr  # the second is a conflict, not an error
    assert "Traceback" not in r.stderr and "確認の後に" not in r.stderr
    assert "競合" in r.stdout and "取り込み済み" in r.stdout  # the same file again applies nothing
    with Desk.open(db) as d:
        assert d.measure(joint.id).year(2023).result_text == f"{a}の記入"


def test_a_master_workbook_counts_as_issued_to_every_department(secretariat, tmp_path):
    assert {s.state for s in X.collection_status(secretariat)} == {"未配布"}
    X.export_workbook(secretariat, tmp_path / "master.xlsx")
    states = {s.department: s.state for s in X.collection_status(secretariat)}
    assert set(states.values()) == {"未回収"} and len(states) == 42


def test_a_second_return_without_a_sync_is_read_against_the_first(tmp_path):
    """A department returns, then changes its mind and returns again before syncing."""
    master_db, dept_db = synced_pcs(tmp_path)
    with Desk.open(dept_db) as dept:
        dept.save(mid(dept, 10), {(2023, "status"): "達成", (2023, "result_text"): "研修を実施"})
        first = X.export_workbook(dept, tmp_path / "first.xlsx").path
    with Desk.open(master_db) as sec:
        X.apply_import(sec, X.preview_import(sec, [first])[0])
    with Desk.open(dept_db) as dept:
        dept.save(mid(dept, 10), {(2023, "status"): "未確定", (2023, "result_text"): "研修を延期"})
        second = X.export_workbook(dept, tmp_path / "second.xlsx").path
        lost = X.export_workbook(dept, tmp_path / "again.xlsx").path  # the same sent twice
    with Desk.open(master_db) as sec:
        [pv] = X.preview_import(sec, [second])
        assert not pv.conflicts
        assert sorted(pv.describe(c) for c in pv.changes) == [
            "No.10 R5 実施結果",
            "No.10 R5 計画達成状況",
        ]
        X.apply_import(sec, pv)
        assert result(sec, 10) == "研修を延期" and result(sec, 10, field="status").value == ""
        [again] = X.preview_import(sec, [lost])  # what the secretariat already holds: nothing to do
        assert not again.changes and not again.conflicts


def test_a_resent_return_the_secretariat_never_received_still_applies(tmp_path):
    master_db, dept_db = synced_pcs(tmp_path)
    with Desk.open(dept_db) as dept:
        dept.save(mid(dept, 10), {(2023, "result_text"): "研修を実施"})
        X.export_workbook(dept, tmp_path / "lost.xlsx")  # never arrives
        resent = X.export_workbook(dept, tmp_path / "resent.xlsx").path
    with Desk.open(master_db) as sec:
        [pv] = X.preview_import(sec, [resent])
        assert [pv.describe(c) for c in pv.changes] == ["No.10 R5 実施結果"] and not pv.conflicts


def test_undo_goes_newest_first_within_a_department(secretariat, tmp_path):
    import time

    first = X.export_workbook(secretariat, tmp_path / "1.xlsx", "人事課").path
    fill(first, {("No.10", "R5", "result"): "v1"})
    r1 = X.apply_import(secretariat, X.preview_import(secretariat, [first])[0])
    time.sleep(1.1)
    second = X.export_workbook(secretariat, tmp_path / "2.xlsx", "人事課").path
    fill(second, {("No.10", "R5", "result"): "v1", ("No.11", "R5", "result"): "v2"})
    r2 = X.apply_import(secretariat, X.preview_import(secretariat, [second])[0])
    with pytest.raises(DeskError, match="新しい方から順に"):
        X.undo_import(secretariat, r1.batch_id)
    assert result(secretariat, 10) == "v1"
    X.undo_import(secretariat, r2.batch_id)
    X.undo_import(secretariat, r1.batch_id)
    assert result(secretariat, 10) == "" and result(secretariat, 11) == ""
