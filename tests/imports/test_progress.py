"""P6: the progress moves through every phase of an import, not only while rows are read."""

import pytest

from imports import engine
from tests.imports import workbooks as wb

pytestmark = pytest.mark.django_db


def _phases(calls):
    """The calls as (rows read, checks through the count, writes)."""
    reading = [call for call in calls if not call[2]]
    rest = [call for call in calls if call[2]]
    end = next(i for i, call in enumerate(rest) if call[2].startswith("counting")) + 1
    return reading, rest[:end], rest[end:]


@pytest.mark.parametrize("options", [{}, {"replace": True, "mirror": True}])
def test_progress_is_reported_through_reading_checking_and_writing(
    tmp_path, run_import, monkeypatch, options
):
    """P6: the engine reports rows read, then each step of the checks ("checking: ...",
    "listing ...": step i of n, every step once, in order), then each write, the new customers
    chunk by chunk, and the statistics: the bar never stands still for a whole phase."""
    monkeypatch.setattr(engine, "WRITE_CHUNK", 2)
    calls = []
    rows = [wb.customer(f"{n:03}", Ship="TX") for n in range(5)]
    result = run_import(
        wb.basic_file(tmp_path / "a.xlsx", rows),
        progress=lambda *call: calls.append(call),
        **options,
    )
    assert result.status == "applied"
    reading, checking, writing = _phases(calls)
    assert reading[0] == (0, 5, "") and reading[-1] == (5, 5, "")
    total = checking[0][1]
    assert [done for done, _, _ in checking] == list(range(1, total + 1))
    assert all(t == total and step.endswith(f"step {d} of {total}") for d, t, step in checking)
    assert checking[0][2].startswith("checking: grouping the rows by customer")
    assert checking[-1][2].startswith("counting the changes")
    labels = [step.rsplit(": ", 1)[0] for _, _, step in writing]
    assert labels[0] == "writing the new customers" and labels[-1] == (
        "updating the planner's statistics"
    )
    parts = [(d, t) for d, t, step in writing if "step" not in step]
    assert parts == [(2, 5), (4, 5), (5, 5)]
    assert "writing the ship-to zones" in labels
    steps = [(d, t) for d, t, step in writing if "step" in step]
    assert steps[-1][0] == steps[-1][1] == len(steps)


def test_a_large_file_is_grouped_and_listed_in_chunks_with_the_same_outcome(
    tmp_path, run_import, monkeypatch
):
    """P6: past PLAN_CHUNK rows the plan groups the rows by ranges of customer numbers and
    lists the new customers by ranges of their ids, reporting each chunk, with the outcome of
    one statement: the same counts and issues (repeated rows one customer, their disagreement
    still found, R35)."""
    rows = [wb.customer(f"{n:03}", Ship="TX") for n in range(12)]
    rows += [wb.customer("005", Ship="CA"), wb.customer("007", **{"Name 1": "Other"})]
    path = wb.basic_file(tmp_path / "a.xlsx", rows)
    whole = run_import(path, dry_run=True)
    monkeypatch.setattr(engine, "PLAN_CHUNK", 3)
    calls = []
    chunked = run_import(path, dry_run=True, progress=lambda *call: calls.append(call))
    assert chunked.counts == whole.counts and chunked.counts["new"] == 11
    assert chunked.issues == whole.issues and chunked.counts["errors"] == 2
    grouping = [c for c in calls if c[2].startswith("checking: grouping the rows by customer:")]
    assert len(grouping) > 2 and grouping[-1][0] == grouping[-1][1]
    listing = [c for c in calls if c[2].startswith("listing new customers:") and "step" not in c[2]]
    assert len(listing) > 1 and listing[-1][0] == listing[-1][1]
