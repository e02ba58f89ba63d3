"""Every customer field an import reads goes the whole way: imported, exported, previewed as a
change, recorded in the history and undone (R8, R14, R31, R38, R39, R42).

The fields are walked from Customer's `_meta`, not listed here: a field added to the model fails
this test until the import handles it, or until it is added, with the reason, to NOT_IMPORTED.
"""

import io

import pytest
from django_scopes import scope
from openpyxl import load_workbook

from customers.models import Customer
from imports.columns import BASIC, BILLING, template_titles, title_for
from imports.export import export_customers
from imports.models import ImportChange
from imports.services import batch_undo
from tests.imports import workbooks as wb

pytestmark = pytest.mark.django_db

# Customer's editable fields that the import deliberately does not read, and why. (Fields that
# are not editable, such as the ids, timestamps and generated columns, are left out by `_meta`.)
NOT_IMPORTED = {
    "tenant": "the tenant the import runs in",
    "company": "the picked company, or the company a row's Company Code names (R42)",
    "kind": "bill-to or ship-to follows the side of the row (R36)",
    "exemption_reason": "a setting of the customer, kept in the app (R19)",
    "expiring_soon_days": "a setting of the customer, kept in the app (R19)",
    "is_active": "set by mirror files (R59; tests/imports/test_mirror.py)",
    "address_validation": "a setting of the customer, kept in the app (R63)",
}
# Two valid values of the fields whose text is checked; any other field gets "<name> one" and
# "<name> two". The number is the key: a second number would be another customer.
CHECKED = {
    "number": ("F-1", "F-1"),
    "state": ("TX", "ON"),
    "country": ("US", "CA"),
    "zip": ("78701", "M5H 2N2"),
    "phone": ("512-555-0100", "416-555-0199"),
    "fax": ("512-555-0101", "416-555-0198"),
    "email": ("one@example.com", "two@example.com"),
}


def imported_fields() -> list[str]:
    return [
        f.name
        for f in Customer._meta.concrete_fields
        if f.editable and not f.primary_key and f.name not in NOT_IMPORTED
    ]


def values(which: int) -> dict[str, str]:
    """The first (0) or second (1) value of every imported field."""
    return {
        name: CHECKED.get(name, (f"{name} one", f"{name} two"))[which] for name in imported_fields()
    }


def write(tmp_path, which: int):
    """A basic-template file of the one customer; a field without a column fails here."""
    header = template_titles(BASIC)
    titles = {}
    for name, value in values(which).items():
        try:
            titles[title_for(BILLING, name)] = value
        except KeyError:
            pytest.fail(
                f"Customer.{name} has no column in imports/columns.py: import it, or "
                "list it in NOT_IMPORTED with the reason"
            )
    assert set(titles) <= set(header)
    return wb.write_xlsx(tmp_path / f"{which}.xlsx", header, [[titles.get(t, "") for t in header]])


def stored(alice) -> dict[str, str] | None:
    with scope(tenant=alice.tenant.pk):
        customer = Customer.objects.filter(company=alice.company, number="F-1").first()
        return None if customer is None else {f: getattr(customer, f) for f in imported_fields()}


def test_every_imported_field_round_trips(alice, run_import, tmp_path):
    """R8, R14, R31, R38, R39, R42: each customer field the import reads is written by an
    import, exported in its column, listed as a change in the preview, recorded in the history
    with the batch, and restored by undo; the customer the first import made is deleted by its
    undo."""
    assert set(imported_fields()).isdisjoint(NOT_IMPORTED)
    first, second = values(0), values(1)
    assert all(first[f] != second[f] for f in first if f != "number")

    created = run_import(write(tmp_path, 0))
    assert created.status == "applied", created.issues
    assert stored(alice) == first  # imported
    with scope(tenant=alice.tenant.pk):
        assert ImportChange.objects.filter(batch=created.batch, kind="new", number="F-1").exists()

    target = io.BytesIO()
    with scope(tenant=alice.tenant.pk):
        export_customers(target, company_ids=[alice.company.pk], template=BASIC)
    header, row = load_workbook(target).active.iter_rows(values_only=True)
    exported = dict(zip(header, row, strict=True))
    assert {f: exported[title_for(BILLING, f)] for f in first} == first  # exported

    changed = run_import(write(tmp_path, 1))
    assert changed.status == "applied", changed.issues
    assert stored(alice) == second
    with scope(tenant=alice.tenant.pk):
        diffs = {
            c.field: (c.old, c.new)
            for c in ImportChange.objects.filter(batch=changed.batch, kind="change")
        }
        assert diffs == {f: (first[f], second[f]) for f in first if f != "number"}  # diffed
        customer = Customer.objects.get(company=alice.company, number="F-1")
        events = Customer.pgh_event_model.objects.filter(pgh_obj_id=customer.pk)
        recorded = events.filter(pgh_label="update").latest("pgh_id")
        assert {f: getattr(recorded, f) for f in second} == second  # recorded in the history
        assert recorded.pgh_context.metadata["import_batch"] == str(changed.batch.public_id)
        inserted = events.get(pgh_label="insert")
        assert {f: getattr(inserted, f) for f in first} == first

        batch_undo(batch=changed.batch, user=alice.editor)
    assert stored(alice) == first  # undone
    with scope(tenant=alice.tenant.pk):
        batch_undo(batch=created.batch, user=alice.editor)
    assert stored(alice) is None
