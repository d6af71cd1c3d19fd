"""`kanazawa-desktop print` in a child process with no display: files, exit codes, errors."""

from __future__ import annotations

import pytest
from conftest import run_cli
from printing_helpers import is_a4, outline, page_sizes

NO_DISPLAY = {"DISPLAY": "", "WAYLAND_DISPLAY": ""}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "d.sqlite3"
    out = run_cli("--db", str(path), "init", "--secretariat")
    assert out.returncode == 0, out.stderr
    return path


def test_print_everything_with_the_list(db, tmp_path):
    pdf = tmp_path / "全取組.pdf"
    out = run_cli("--db", str(db), "print", str(pdf), "--list", env=NO_DISPLAY)
    assert out.returncode == 0, out.stderr
    sizes = page_sizes(pdf)
    landscape = [s for s in sizes if s[0] > s[1]]
    assert len(sizes) == 92 + len(landscape) and landscape
    assert f"{len(sizes)} ページ" in out.stdout and "92 件" in out.stdout
    assert [p.name for p in tmp_path.iterdir()] == [pdf.name]


def test_print_selected_measures_and_a_department(db, tmp_path):
    pdf = tmp_path / "sel.pdf"
    out = run_cli("--db", str(db), "print", str(pdf), "--measure", "3", "1", "86", env=NO_DISPLAY)
    assert out.returncode == 0, out.stderr
    assert len(page_sizes(pdf)) == 3
    titles = [c[0] for t in outline(pdf) for c in t[2]]
    assert [t.split("　")[0] for t in titles] == ["No.1", "No.3", "No.86"]
    out = run_cli("--db", str(db), "print", str(pdf), "--department", "人事課", env=NO_DISPLAY)
    assert out.returncode == 0, out.stderr
    assert len(page_sizes(pdf)) == 6


def test_list_only_is_landscape_a4(db, tmp_path):
    pdf = tmp_path / "list.pdf"
    out = run_cli(
        "--db", str(db), "print", str(pdf), "--list-only", "--policy", "1", env=NO_DISPLAY
    )
    assert out.returncode == 0, out.stderr
    assert all(is_a4(s, landscape=True) for s in page_sizes(pdf))


@pytest.mark.parametrize(
    "args, words",
    [
        (["--measure", "999"], "No.999"),
        (["--department", "人事部"], "人事部"),
        (["--policy", "7"], "方針7"),
    ],
)
def test_bad_choices_are_one_japanese_line_and_no_file(db, tmp_path, args, words):
    pdf = tmp_path / "x.pdf"
    out = run_cli("--db", str(db), "print", str(pdf), *args, env=NO_DISPLAY)
    assert out.returncode == 1
    assert out.stderr.count("\n") == 1 and words in out.stderr and "エラー" in out.stderr
    assert "Traceback" not in out.stderr
    assert not list(tmp_path.iterdir())


def test_unwritable_destination_is_one_line_and_no_file(db, tmp_path):
    for target in (tmp_path / "no" / "such" / "x.pdf", tmp_path):
        out = run_cli("--db", str(db), "print", str(target), "--measure", "1", env=NO_DISPLAY)
        assert out.returncode == 1 and out.stderr.count("\n") == 1, out.stderr
        assert "Traceback" not in out.stderr
    assert not list(tmp_path.iterdir())


def test_missing_database_is_refused_without_creating_one(tmp_path):
    db = tmp_path / "none.sqlite3"
    out = run_cli("--db", str(db), "print", str(tmp_path / "x.pdf"), env=NO_DISPLAY)
    assert out.returncode == 1 and out.stderr.count("\n") == 1
    assert not list(tmp_path.iterdir())


def test_usage_errors_exit_2(db, tmp_path):
    out = run_cli("--db", str(db), "print", str(tmp_path / "x.pdf"), "--list", "--list-only")
    assert out.returncode == 2 and "Traceback" not in out.stderr


@pytest.mark.parametrize(
    "args, words",
    [
        (["--plan", "nothing"], "nothing"),
        (["--year", "R20"], "令和20年度"),
        (["--year", "来年"], "来年"),
        (["--department", "人事課"], "--report"),
    ],
)
def test_report_refusals_exit_2_with_one_line_and_no_file(db, tmp_path, args, words):
    pdf = tmp_path / "r.pdf"
    out = run_cli("--db", str(db), "print", str(pdf), "--report", *args, env=NO_DISPLAY)
    assert out.returncode == 2, out.stderr
    assert out.stderr.startswith("kanazawa-desktop: エラー: ") and words in out.stderr
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
    assert not pdf.exists()


def test_report_of_another_plan_two_up(db, tmp_path):
    from pypdf import PdfReader

    pdf = tmp_path / "r.pdf"
    out = run_cli(
        "--db", str(db), "print", str(pdf), "--report", "--2up", "--plan", "sogo_senryaku_3",
        "--year", "R7", env=NO_DISPLAY,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    sizes = page_sizes(pdf)
    landscape = [s for s in sizes if s[0] > s[1]]
    assert "55 件" in out.stdout and len(landscape) == (55 + 1) // 2
    # portrait front pages, the landscape 2-up sheets, then the portrait 用語解説 page
    shapes = "".join("L" if s[0] > s[1] else "P" for s in sizes)
    assert shapes == "P" * (len(sizes) - len(landscape) - 1) + "L" * len(landscape) + "P"
    assert PdfReader(str(pdf)).metadata.title == "第3次金沢版総合戦略 進捗報告書 令和7年度"


def test_two_up_alone_pairs_the_chosen_sheets(db, tmp_path):
    pdf = tmp_path / "2up.pdf"
    out = run_cli(
        "--db", str(db), "print", str(pdf), "--measure", "1", "2", "3", "--2up", env=NO_DISPLAY
    )
    assert out.returncode == 0, out.stderr
    assert [is_a4(s, landscape=True) for s in page_sizes(pdf)] == [True, True]
    out = run_cli("--db", str(db), "print", str(pdf), "--year", "R6", env=NO_DISPLAY)
    assert out.returncode == 2 and "--report" in out.stderr
