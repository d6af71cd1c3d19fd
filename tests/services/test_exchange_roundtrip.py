"""Round trips: any edit of the unlocked cells comes back exactly (hypothesis), also through LibreOffice."""

from __future__ import annotations

import shutil

import pytest
from exchange_helpers import entry_rows, fill, libreoffice_resave
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kanazawa_desktop.domain.status import Status
from kanazawa_desktop.services import exchange as X

# Text a person can type: any character XML 1.0 can carry, except lone surrogates and what
# the app keeps as \n or drops on purpose (CR, VT, FF, NEL, LS, PS, DEL, U+FFFE, U+FFFF:
# domain/text.py, tested on its own). Whitespace-only text is
# left out because openpyxl (the "department" here) writes it without xml:space="preserve",
# so every reader sees a blank; Excel and LibreOffice do preserve it.
typed = st.text(
    st.characters(
        blacklist_categories=("Cs",),
        blacklist_characters="\r\x0b\x0c\x7f\x85\u2028\u2029\ufffe\uffff",
        min_codepoint=0x20,
    )
    | st.sampled_from("\n\t"),
    min_size=1,
    max_size=60,
).filter(lambda t: t.strip() != "")
numbers = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False).map(
    lambda f: float(f"{f:.6g}")
)


@pytest.fixture(scope="module")
def issued_file(tmp_path_factory):
    from kanazawa_desktop.services.desk import Desk

    folder = tmp_path_factory.mktemp("rt")
    desk = Desk.open(folder / "db.sqlite3")
    desk.set_role(secretariat=True)
    path = X.export_workbook(desk, folder / "digital.xlsx", "デジタル行政戦略課").path
    yield desk, path
    desk.close()


def edits_strategy(keys):
    numeric = [k for k in keys if k[0] == "No.1"]
    return st.fixed_dictionaries(
        {},
        optional={
            **{(k[0], k[1], "result"): typed for k in keys[:12]},
            **{(k[0], k[1], "status"): st.sampled_from(["達成", "未達成"]) for k in keys[:12]},
            **{(k[0], k[1], "actual"): numbers for k in numeric},
        },
    )


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_edit_of_unlocked_cells_comes_back_exactly(issued_file, tmp_path, data):
    desk, issued = issued_file
    keys = sorted(entry_rows(issued))
    edits = data.draw(edits_strategy(keys))
    out = tmp_path / "filled.xlsx"
    shutil.copy(issued, out)
    fill(out, edits)
    [pv] = X.preview_import(desk, [out])
    assert not pv.refused, (pv.error, pv.refusals)
    field_of = {"result": "実施結果", "status": "計画達成状況", "actual": "実績値"}
    got = {pv.describe(c): c.file for c in pv.changes}
    want = {}
    for (label, year, col), value in edits.items():
        if col == "status":
            value = Status.from_label(value).value
        want[f"{label} {year} {field_of[col]}"] = value
    assert got == want


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_resave_round_trip(secretariat, tmp_path):
    issued = X.export_workbook(secretariat, tmp_path / "jinji.xlsx", "人事課").path
    typed_values = {
        ("No.7", "R5", "result"): "=SUM(A1)",
        ("No.7", "R5", "status"): "達成",
        ("No.7", "R6", "result"): "-3",
        ("No.10", "R5", "result"): "・項目一\n・項目二 𠮷",
        ("No.10", "R5", "status"): "未達成",
        ("No.10", "R6", "result"): "#N/A",
        ("No.11", "R5", "result"): "@x 0012",
        ("No.11", "R6", "result"): "=未確定",
    }
    fill(issued, typed_values)
    resaved = libreoffice_resave(issued, tmp_path)
    [pv] = X.preview_import(secretariat, [resaved])
    assert not pv.refused, (pv.error, pv.refusals)
    got = {pv.describe(c): c.file for c in pv.changes}
    assert got == {
        "No.7 R5 実施結果": "=SUM(A1)",
        "No.7 R5 計画達成状況": "achieved",
        "No.7 R6 実施結果": "-3",
        "No.10 R5 実施結果": "・項目一\n・項目二 𠮷",
        "No.10 R5 計画達成状況": "not_achieved",
        "No.10 R6 実施結果": "#N/A",
        "No.11 R5 実施結果": "@x 0012",
        "No.11 R6 実施結果": "=未確定",
    }
    X.apply_import(secretariat, pv)
    m = next(m for m in secretariat.measures() if m.number == 7)
    assert m.year(2023).result_text == "=SUM(A1)" and m.year(2023).status == Status.ACHIEVED


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_master_resaved_by_libreoffice_still_carries_its_definitions(tmp_path):
    from exchange_helpers import synced_pcs

    from kanazawa_desktop.services.desk import Desk

    master_db, dept_db = synced_pcs(tmp_path)
    with Desk.open(master_db) as sec:
        m10 = next(m for m in sec.measures() if m.number == 10)
        sec.save(m10.id, {(None, "summary"): "改行\nと 𠮷 と =式のような文"})
        sec.add_measure(node_key="1-1-1", name="生成AIの全庁活用", departments=["人事課"])
        master = X.export_workbook(sec, tmp_path / "master.xlsx").path
    resaved = libreoffice_resave(master, tmp_path)
    with Desk.open(dept_db) as dept:
        [pv] = X.preview_import(dept, [resaved])
        assert not pv.refused, (pv.error, pv.refusals)
        assert [d.name for d in pv.new_measures] == ["生成AIの全庁活用"]
        X.apply_import(dept, pv)
        assert (
            next(m for m in dept.measures() if m.number == 10).summary
            == "改行\nと 𠮷 と =式のような文"
        )
