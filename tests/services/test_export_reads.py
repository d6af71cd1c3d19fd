"""What an export reads: every measure complete (the lean read equals the per-measure read),
and a department's part only that department's measures and their branches of the hierarchy."""

from __future__ import annotations

import re

import pytest

from kanazawa_desktop.domain.status import Status
from kanazawa_desktop.services import exchange as X
from kanazawa_desktop.store import repository as repo


def test_all_measures_equal_the_per_measure_read(secretariat):
    m = next(m for m in secretariat.measures() if m.numeric)
    secretariat.save(
        m.id,
        {
            (2023, "actual"): 70,
            (2023, "status"): Status.ACHIEVED,
            (2024, "result_text"): "=SUM(A1)",
        },
    )
    plan = secretariat.plan
    every = repo.all_measures(plan.id)
    assert len(every) == 92
    assert every == [repo.get_measure(x.id) for x in every]
    got = next(x for x in every if x.id == m.id)
    assert got.year(2023).actual == 70.0 and isinstance(got.year(2023).actual, float)
    assert any(x.indicator for x in every) and any(x.resources for x in every)


def test_department_read_is_that_departments_measures_in_order(secretariat):
    plan = secretariat.plan
    every = repo.all_measures(plan.id)
    for dept in secretariat.departments():  # 42
        own = [m for m in every if dept in m.departments]
        assert own and repo.all_measures(plan.id, dept) == own
    assert any(len(m.departments) > 1 for m in repo.all_measures(plan.id, "人事課"))  # joint ones
    assert repo.all_measures(plan.id, "存在しない課") == []


def test_department_nodes_are_the_branches_its_measures_hang_from(secretariat):
    plan = secretariat.plan
    nodes = {n.id: n for n in repo.nodes(plan.id)}
    own = repo.nodes(plan.id, "人事課")
    wanted = set()
    for m in repo.all_measures(plan.id, "人事課"):
        node = nodes[m.node_id]
        while node is not None:
            wanted.add(node.id)
            node = nodes.get(node.parent_id) if node.parent_id else None
    assert {n.id for n in own} == wanted and len(own) < len(nodes)
    assert own == [n for n in repo.nodes(plan.id) if n.id in wanted]  # in the hierarchy's order


@pytest.mark.sqlite_file
def test_department_export_reads_only_its_measures(secretariat, tmp_path):
    statements: list[str] = []
    conn = secretariat.db.connection()
    conn.set_trace_callback(statements.append)
    try:
        result = X.export_workbook(secretariat, tmp_path / "jinji.xlsx", "人事課")
    finally:
        conn.set_trace_callback(None)
    assert result.rows > 0
    reads = [
        s
        for s in statements
        if s.lstrip().upper().startswith(("SELECT", "WITH"))
        and re.search(r'\b(FROM|JOIN)\s+"?(measure|measure_year|node)"?\b', s)
    ]
    assert reads
    # every read of measures, their years or the hierarchy is narrowed to the department
    assert [s for s in reads if "人事課" not in s and "d.name" not in s] == []
