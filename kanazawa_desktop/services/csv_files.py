"""CSV files a person opens in Excel (the 督促リスト, the 見える化's numbers): UTF-8 with a BOM
and CRLF line ends, written beside the target and moved into place (files/staging), so a full
disk or a killed process never leaves half a file; the target is checked first like every
export's (services/targets). The same text with tabs is what goes to a terminal or clipboard."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable
from pathlib import Path

from ..files import staging
from .targets import check_target, output_error


def csv_text(rows: Iterable[Iterable[str]], delimiter: str = ",", newline: str = "\r\n") -> str:
    """The rows as CSV (CRLF, as Excel writes), or with "\\t" and "\\n" as TSV."""
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return buf.getvalue()


def save_csv(path: Path, rows: Iterable[Iterable[str]]) -> Path:
    """Write the rows to `path` as Excel's CSV; OutputError (Japanese) and nothing written
    when the target may not or cannot be written."""
    out = check_target(Path(path))
    data = csv_text(rows).encode("utf-8-sig")
    tmp = None
    try:
        tmp = staging.create_beside(out)
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, out)
    except OSError as exc:
        raise output_error(out, exc) from exc
    finally:
        if tmp is not None:
            staging.discard(tmp)
    return out
