"""One service applies a set of returned workbooks, for the window and the command line."""

from __future__ import annotations

from exchange_helpers import fill

from kanazawa_desktop.services import exchange as X
from kanazawa_desktop.services.exchange.run import (
    ALREADY,
    APPLIED,
    FAILED,
    REFUSED,
    REVIEW,
    ToApply,
    apply_files,
)
from kanazawa_desktop.services.progress import Progress


def _joint_returns(desk, tmp_path):
    """A joint measure, and two of its departments' returns each writing its 実施結果 R5."""
    joint = next(m for m in desk.measures() if len(m.departments) > 1 and not m.is_repeat)
    paths = []
    for name, dept in zip("ab", joint.departments[:2], strict=False):
        p = X.export_workbook(desk, tmp_path / f"{name}.xlsx", dept).path
        paths.append(fill(p, {(joint.number_label, "R5", "result"): f"{dept}の記入"}))
    return joint, paths


def test_each_file_on_its_own_and_previewed_just_before_it_is_applied(secretariat, tmp_path):
    joint, (pa, pb) = _joint_returns(secretariat, tmp_path)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    seen = []
    outcomes = apply_files(
        secretariat, [ToApply(pa), ToApply(broken), ToApply(pb), ToApply(pa)], on_file=seen.append
    )
    assert [o.state for o in outcomes] == [APPLIED, REFUSED, APPLIED, ALREADY]
    assert seen == outcomes
    # the second department's return was read after the first was applied: a conflict, kept open
    assert outcomes[2].open_conflicts and not outcomes[0].open_conflicts
    assert secretariat.measure(joint.id).year(2023).result_text == f"{joint.departments[0]}の記入"


def test_a_preview_gone_stale_is_previewed_again_and_new_conflicts_go_back_for_review(
    secretariat, tmp_path
):
    _joint, (pa, pb) = _joint_returns(secretariat, tmp_path)
    seen_a, seen_b = X.preview_import(secretariat, [pa, pb])  # both seen against the data as it was
    outcomes = apply_files(secretariat, [ToApply(pa, seen_a), ToApply(pb, seen_b)])
    assert outcomes[0].state == APPLIED
    assert outcomes[1].state == REVIEW and "新たな競合 1件" in outcomes[1].error
    assert outcomes[1].preview is not None and outcomes[1].preview.conflicts


def test_cancel_stops_between_files_and_says_which_were_done(secretariat, tmp_path):
    files = []
    for dept in secretariat.departments()[:2]:
        p = X.export_workbook(secretariat, tmp_path / f"{dept}.xlsx", dept).path
        files.append(ToApply(p))
    progress = Progress()
    outcomes = apply_files(
        secretariat, files, progress=progress, on_file=lambda o: progress.cancel()
    )
    assert len(outcomes) == 1


def test_an_unexpected_error_is_that_files_failure(secretariat, tmp_path, monkeypatch):
    from kanazawa_desktop.services.exchange import run as exchange_run

    p = X.export_workbook(secretariat, tmp_path / "j.xlsx", "人事課").path
    good = X.export_workbook(secretariat, tmp_path / "k.xlsx", "人事課").path

    real = exchange_run.preview_import

    def explode(desk, paths, *a, **k):
        if paths[0] == p:
            raise RuntimeError("boom")
        return real(desk, paths, *a, **k)

    monkeypatch.setattr(exchange_run, "preview_import", explode)
    outcomes = apply_files(secretariat, [ToApply(p), ToApply(good)])
    assert outcomes[0].state == FAILED and "予期しないエラー" in outcomes[0].error
    assert "RuntimeError" in outcomes[0].error and outcomes[1].state == APPLIED
