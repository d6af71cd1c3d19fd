"""Benchmark: all 92 取組管理票 into one PDF, against LibreOffice converting an equivalent workbook.

    .venv/bin/python bench/bench_print.py [--runs 5] [--keep DIR] [--no-libreoffice]

Setup (not timed): a secretariat database with the bundled plan, a few results typed in;
the print job (services.printing.build_job) read once; an openpyxl workbook with one
A4-portrait sheet per measure holding the same texts in a 取組管理票-like grid (path,
No. and name, 担当課, 概要, めざす姿, 関連計画, 確保する行政資源, the 4 years' 実施計画 /
実施結果 / 計画達成状況, 目標値 / 実績値), wrapped cells, fit to one page wide.

Timed, in the same run:
* ours: services.printing.write_job (layout, QPainter on QPdfWriter, font embedding,
  bookmarks and the ToUnicode fix, atomic move) - first run and the median of --runs;
* LibreOffice: `soffice --headless --convert-to pdf` of the workbook, once to warm its
  profile (not counted), then timed --runs times (median).
Figures are printed; goals: ours <= 0.5 s and >= 6x faster than LibreOffice. Not a test.

    .venv/bin/python bench/bench_print.py --db /work/city/city_20000.sqlite3 [--runs 3]

City scale: `kanazawa-desktop --db COPY print OUT.pdf` (every sheet) on a copy of DB, --runs
times as a child process; per run the wall time, pages/s, the child's CPU time (user + sys:
the figure to compare on a shared machine) and its peak RSS; then the medians.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Border, Font, Side

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kanazawa_desktop.domain.achievement import format_number  # noqa: E402
from kanazawa_desktop.domain.fiscal import long_label  # noqa: E402
from kanazawa_desktop.domain.model import RESOURCE_LABELS, RESOURCES  # noqa: E402
from kanazawa_desktop.domain.status import Status  # noqa: E402
from kanazawa_desktop.services import printing as P  # noqa: E402
from kanazawa_desktop.services.desk import Desk  # noqa: E402


def make_desk(folder: Path) -> Desk:
    desk = Desk.open(folder / "bench.sqlite3")
    desk.set_role(secretariat=True)
    for m in desk.measures()[:30]:
        if m.is_repeat:
            continue
        desk.save(
            m.id,
            {
                (2023, "result_text"): f"{m.name}について、計画どおり実施した。" * 3,
                (2023, "status"): Status.ACHIEVED if m.id % 4 else Status.NOT_ACHIEVED,
            },
        )
    return desk


def write_workbook(job, path: Path) -> None:
    """One sheet per measure with the same texts, laid out like the 取組管理票."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    years = job.plan.years
    for i, m in enumerate(job.measures, 1):
        ws = wb.create_sheet(f"{i:02d}")
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "portrait"
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 1
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.column_dimensions["A"].width = 12
        for col in "BCDE":
            ws.column_dimensions[col].width = 24
        path_text = "　".join(n.caption for n in job.path(m))
        rows = [
            [path_text],
            [f"{m.number_label}　{m.display_name}", "", "", "担当課", m.department_text],
            ["概要", m.summary],
            ["めざす姿", m.vision],
            [
                "関連計画",
                "\n".join(m.related_plans) or "—",
                "確保する行政資源",
                "　".join(
                    f"{RESOURCE_LABELS[k]}{'○' if k in m.resources else ''}" for k in RESOURCES
                ),
            ],
            [""] + [long_label(fy) for fy in years],
            ["実施計画"] + [m.year(fy).plan_text for fy in years],
            ["実施結果"] + [m.year(fy).result_text for fy in years],
            ["計画達成状況"]
            + [
                m.year(fy).status.label if m.year(fy).status != Status.PENDING else ""
                for fy in years
            ],
        ]
        if m.numeric:
            unit = m.indicator.unit if m.indicator else ""
            rows.append(["目標値"] + [f"{format_number(m.year(fy).target)}{unit}" for fy in years])
            rows.append(["実績値"] + [f"{format_number(m.year(fy).actual)}{unit}" for fy in years])
        for r, values in enumerate(rows, 1):
            for c, value in enumerate(values, 1):
                cell = ws.cell(r, c, value)
                cell.alignment, cell.font = wrap, Font(name="IPAexGothic", size=9)
                if r > 1:
                    cell.border = box
            if r in (3, 4):
                ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=5)
            ws.row_dimensions[r].height = 150 if r == 8 else (60 if r == 7 else 30)
        ws.print_area = f"A1:E{len(rows)}"
    wb.save(path)


def soffice_convert(xlsx: Path, outdir: Path, profile: Path) -> float:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        raise RuntimeError("soffice not found (bash scripts/setup.sh --dev installs LibreOffice)")
    t = time.perf_counter()
    subprocess.run(
        [
            exe,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            str(xlsx),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return time.perf_counter() - t


def city(db: Path, runs: int) -> int:
    """The CLI print of every sheet of a copy of `db`, as a child process, `runs` times."""
    with tempfile.TemporaryDirectory(prefix="bench_print_city_") as tmp:
        copy = Path(tmp) / db.name
        src = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        dst = sqlite3.connect(copy)
        src.backup(dst)
        src.close()
        dst.close()
        rows = []
        for _ in range(runs):
            log = Path(tmp) / "out.txt"
            with log.open("wb") as sink:
                t = time.perf_counter()
                child = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "kanazawa_desktop",
                        "--db",
                        str(copy),
                        "print",
                        str(Path(tmp) / "all.pdf"),
                    ],
                    cwd=ROOT,
                    stdout=sink,
                    stderr=sink,
                )
                _, status, usage = os.wait4(child.pid, 0)  # the child's own CPU and peak RSS
                wall = time.perf_counter() - t
            text = log.read_text(encoding="utf-8", errors="replace")
            found = re.search(r"(\d+) ページ", text)
            if status or found is None:
                print(text, file=sys.stderr)
                return 1
            pages, cpu, rss = (
                int(found.group(1)),
                usage.ru_utime + usage.ru_stime,
                usage.ru_maxrss / 1024,
            )
            rows.append((wall, cpu, rss))
            print(
                f"  {pages} pages  wall {wall:7.2f} s ({pages / wall:6.1f} pages/s)  "
                f"cpu {cpu:7.2f} s ({pages / cpu:6.1f} pages/s)  peak RSS {rss:5.0f} MiB",
                flush=True,
            )
        wall, cpu, rss = (statistics.median(r[i] for r in rows) for i in range(3))
        print(
            f"median of {runs}: wall {wall:.2f} s ({pages / wall:.1f} pages/s), "
            f"cpu {cpu:.2f} s ({pages / cpu:.1f} pages/s), peak RSS {rss:.0f} MiB"
        )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help="print every sheet of (a copy of) this database with the CLI",
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, default=None, help="keep the files in this folder")
    parser.add_argument("--no-libreoffice", action="store_true")
    args = parser.parse_args()
    if args.db is not None:
        return city(args.db, args.runs)
    folder = Path(tempfile.mkdtemp(prefix="bench_print_")) if args.keep is None else args.keep
    folder.mkdir(parents=True, exist_ok=True)
    desk = make_desk(folder)
    job = P.build_job(desk)
    assert len(job.measures) == 92, len(job.measures)
    P.prepare_fonts()  # the application object and the font, as the window has them already

    out = folder / "all_sheets.pdf"
    t = time.perf_counter()
    result = P.write_job(job, out)
    first = time.perf_counter() - t
    ours = []
    for _ in range(args.runs):
        t = time.perf_counter()
        P.write_job(job, out)
        ours.append(time.perf_counter() - t)
    ours_median = statistics.median(ours)
    t = time.perf_counter()
    P.print_pdf(desk, folder / "with_read.pdf")
    with_read = time.perf_counter() - t
    print(f"ours: {result.pages} pages, {out.stat().st_size / 1024:.0f} KiB")
    print(f"  write_job first run      {first:6.3f} s")
    print(f"  write_job median of {args.runs}    {ours_median:6.3f} s  (min {min(ours):.3f})")
    print(f"  print_pdf incl. DB read  {with_read:6.3f} s")

    if not args.no_libreoffice:
        xlsx = folder / "sheets.xlsx"
        write_workbook(job, xlsx)
        profile = folder / "lo_profile"
        lo_out = folder / "lo"
        lo_out.mkdir(exist_ok=True)
        warm = soffice_convert(xlsx, lo_out, profile)  # first start builds the profile
        lo = [soffice_convert(xlsx, lo_out, profile) for _ in range(max(1, min(args.runs, 3)))]
        lo_median = statistics.median(lo)
        pdfinfo = subprocess.run(
            ["pdfinfo", str(lo_out / "sheets.pdf")], capture_output=True, text=True
        ).stdout
        pages = next(
            (ln.split()[-1] for ln in pdfinfo.splitlines() if ln.startswith("Pages:")), "?"
        )
        print(f"LibreOffice: {pages} pages from {len(job.measures)} sheets")
        print(f"  warm-up (profile)        {warm:6.3f} s (not counted)")
        print(f"  convert median of {len(lo)}     {lo_median:6.3f} s")
        ratio = lo_median / ours_median
        print(f"ratio LibreOffice / ours   {ratio:6.1f} x")
        print(
            f"goals: ours <= 0.5 s: {'yes' if ours_median <= 0.5 else 'NO'}; "
            f">= 6x faster: {'yes' if ratio >= 6 else 'NO'}"
        )
    desk.close()
    if args.keep is None:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
