"""What other people committed on a shared server, as the `Changes` a local edit gives.

The server's triggers send 'batch:<id>' for every change batch (the app writes each save,
import, undo and plan edit as one) and a table's name for every other write. A batch is
read back and becomes exactly the Changes of its fields; a table without a batch beside it
(the exchange logs, a closed year, raw SQL) becomes the coarse flag that makes the views
read that part again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..domain import fields as F
from ..domain.changes import Changes
from ..store.pg_connection import RECONNECTED  # listening again after a lost connection

# tables whose writes always come with a batch when the app makes them
_BATCHED = frozenset(
    {"change_batch", "change", "node_change", "indicator_change", "measure_year",
     "indicator_value", "measure", "measure_department", "node", "node_detail",
     "measure_detail", "indicator"}
)  # fmt: skip
_IGNORED = frozenset({"draft", "meta"})  # drafts are per person; meta is the desk's own


def changes_of(
    payloads: Iterable[str], batch_changes: Callable[[int], list[F.FieldChange]]
) -> Changes:
    items = list(payloads)
    batches = sorted({int(p[6:]) for p in items if p.startswith("batch:") and p[6:].isdigit()})
    tables = {p for p in items if not p.startswith("batch:")} - _IGNORED
    out = Changes()
    for batch in batches:
        out = out | Changes.of(batch_changes(batch), batch)
    if tables & {"exchange_export", "exchange_import", "exchange_conflict", "exchange_issued"}:
        out = out | Changes(exchange=True)
    if "fiscal_year_event" in tables:
        out = out | Changes(fiscal=True)
    if "plan" in tables:
        out = out | Changes(plans=True, structure=True)
    if tables & _BATCHED and not batches:  # written without the app's history: read all again
        out = out | Changes(structure=True)
    if RECONNECTED in tables:  # the server restarted: what happened meanwhile is unknown
        out = out | Changes(structure=True, exchange=True, fiscal=True, plans=True)
    return out
