"""Open data: the CSV files hold what the database holds (and only what is published), and
datapackage.json describes them validly for the reference validator (frictionless)."""

from __future__ import annotations

import csv
import json

import pytest
from frictionless import validate

from kanazawa_desktop.domain.errors import DeskError, PermissionDenied
from kanazawa_desktop.services.opendata import PACKAGE, write_opendata


def _read(path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel opens UTF-8 as such only with the BOM
    assert b"\r\n" in raw
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _numeric(desk):
    return next(m for m in desk.measures() if m.indicators and not m.is_repeat and not m.retired)


def test_the_files_hold_what_the_database_holds_and_validate(secretariat, tmp_path):
    desk = secretariat
    m10 = next(m for m in desk.measures() if m.number == 10)
    desk.save(
        m10.id, {(2023, "result_text"): "窓口を1か所に集約した", (2023, "status"): "achieved"}
    )
    num = _numeric(desk)
    ind = num.indicators[0]
    desk.save(num.id, {(2024, "actual"): 123456.5})
    desk.put_draft(m10.id, 2024, "result_text", "下書き：まだ公開しない")
    result = write_opendata(desk, tmp_path / "公開")
    names = {p.name for p in result.files}
    assert PACKAGE in names and "gyosei_keiei_measures.csv" in names
    assert {"sogo_senryaku_3_indicators.csv", "digital_2_measures.csv"} <= names

    rows = _read(tmp_path / "公開" / "gyosei_keiei_measures.csv")
    published = [m for m in desk.measures() if not m.retired and not m.is_repeat]
    assert len(rows) == len(published) * len(desk.plan.years)
    r = next(r for r in rows if r["番号"] == "No.10" and r["西暦年度"] == "2023")
    assert r["実施結果"] == "窓口を1か所に集約した" and r["計画達成状況"] == "達成"
    assert r["担当課"] == "、".join(m10.departments) and r["年度"] == "R5"
    assert r["実施計画"] == m10.year(2023).plan_text
    assert r["方針"].startswith("方針") and r["取組名"] == m10.display_name
    flat = (tmp_path / "公開" / "gyosei_keiei_measures.csv").read_text(encoding="utf-8-sig")
    assert "下書き" not in flat  # drafts are not published

    irows = _read(tmp_path / "公開" / "gyosei_keiei_indicators.csv")
    got = next(r for r in irows if r["番号"] == ind.key and r["西暦年度"] == "2024")
    assert got["実績値"] == "123456.5" and got["単位"] == ind.unit
    assert got["所属"] == num.number_label

    package = json.loads((tmp_path / "公開" / PACKAGE).read_text(encoding="utf-8"))
    for res in package["resources"]:
        header = next(csv.reader(open(tmp_path / "公開" / res["path"], encoding="utf-8-sig")))
        assert header == [f["name"] for f in res["schema"]["fields"]]
        assert all(f.get("description") for f in res["schema"]["fields"])
    report = validate(str(tmp_path / "公開" / PACKAGE))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])[:5]


@pytest.mark.sqlite_file
def test_one_plan_and_refusals_write_nothing(secretariat, tmp_path, desk):
    result = write_opendata(secretariat, tmp_path / "one", plan="デジタル")
    assert {p.name for p in result.files} == {
        "digital_2_measures.csv",
        "digital_2_indicators.csv",
        PACKAGE,
    }
    with pytest.raises(DeskError, match="フォルダーがありません"):
        write_opendata(secretariat, tmp_path / "missing" / "x")
    (tmp_path / "file").write_text("x")
    with pytest.raises(DeskError, match="フォルダーではありません"):
        write_opendata(secretariat, tmp_path / "file")
    secretariat.set_role(department="人事課", force=True)
    with pytest.raises(PermissionDenied):
        write_opendata(secretariat, tmp_path / "dept")
    assert not (tmp_path / "dept").exists()
    assert not (tmp_path / "missing").exists()


def test_a_failed_write_leaves_the_earlier_files(secretariat, tmp_path, monkeypatch):
    out = tmp_path / "out"
    write_opendata(secretariat, out, plan="デジタル")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    import kanazawa_desktop.services.opendata as od

    def full(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(od.os, "fsync", full)
    with pytest.raises(DeskError, match="書き出せません"):
        write_opendata(secretariat, out, plan="デジタル")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no scratch left either
