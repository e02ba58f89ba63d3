"""Rows that repeat the stored values skip cleaning (imports.rows); the outcome must be the
one full cleaning gives (R33, R34, R38, R9)."""

import pytest
from django_scopes import scope

from customers.models import Customer
from imports.header import read_header
from imports.rows import RowCleaner, digest_fields
from tests.factories import make_customer
from tests.imports import workbooks as wb

pytestmark = pytest.mark.django_db


def test_unchanged_reimport_writes_nothing_and_changed_row_is_cleaned(
    tmp_path, run_import, customers
):
    """R38: re-importing stored values changes nothing; a changed cell in such a file is still
    cleaned (state upper-cased) and validated (a bad email is a row error)."""
    rows = [wb.customer("100"), wb.customer("200"), wb.customer("300")]
    assert run_import(wb.basic_file(tmp_path / "a.xlsx", rows)).counts["new"] == 3
    again = run_import(wb.basic_file(tmp_path / "b.xlsx", rows))
    assert again.counts["unchanged"] == 3 and again.counts["fields_changed"] == 0
    rows[1] = wb.customer("200", State="ok", Zip="73101")
    rows[2] = wb.customer("300", Email="not-an-email")
    result = run_import(wb.basic_file(tmp_path / "c.xlsx", rows), skip_errors=True)
    assert [(i.row, i.column) for i in result.issues] == [(4, "Billing Customer Email")]
    assert customers()["200"].state == "OK" and customers()["300"].email == "ap300@example.com"


def test_stored_values_not_tax_ready_are_errors_when_the_company_requires_them(
    alice, tmp_path, run_import
):
    """R9: a row repeating a stored customer that lacks a tax field is a row error once the
    company requires the tax fields (such rows are not taken as already clean)."""
    from companies.models import Company

    rows = [wb.customer("100", City="")]
    assert run_import(wb.basic_file(tmp_path / "a.xlsx", rows)).status == "applied"
    with scope(tenant=alice.tenant.pk):
        Company.objects.filter(pk=alice.company.pk).update(require_tax_fields=True)
        alice.company.refresh_from_db()
    result = run_import(wb.basic_file(tmp_path / "b.xlsx", rows))
    assert [(i.row, i.column) for i in result.issues] == [(2, "Billing Customer City")]


def test_number_cells_and_spaces_compare_exactly(alice, tmp_path, run_import, customers):
    """R34, R8: a ZIP stored as a number still gets its zeros and a warning; a number cell and
    a number with spaces match the stored customer."""
    make_customer(
        alice.company,
        "2000010",
        "Acme",
        address_line1="1 Main St",
        city="Boston",
        state="MA",
        country="US",
        zip="02108",
        email="ap@acme.example",
    )
    row = [
        " 2000010 ",
        "",
        "",
        "Acme",
        "",
        "",
        "1 Main St",
        "",
        "Boston",
        "MA",
        "US",
        2108,
        "",
        "",
        "ap@acme.example",
        "",
    ]
    result = run_import(wb.write_xlsx(tmp_path / "a.xlsx", wb.BASIC, [row]))
    assert result.counts["unchanged"] == 1 and result.counts["warnings"] == 1
    row[0], row[11] = 2000010, "02108"
    result = run_import(wb.write_xlsx(tmp_path / "b.xlsx", wb.BASIC, [row]))
    assert result.counts["unchanged"] == 1 and result.counts["warnings"] == 0
    assert list(customers()) == ["2000010"]


def test_cleaner_record_for_stored_values_equals_the_cleaned_record(alice):
    """R33: the record built from cells equal to the stored values is the one cleaning gives."""
    layout = read_header(tuple(wb.BASIC))
    customer = make_customer(
        alice.company,
        "100",
        "Acme",
        address_line1="1 Main St",
        city="Toronto",
        state="ON",
        country="CA",
        zip="M5H 2N2",
    )
    fields = digest_fields(layout, "billing")
    with scope(tenant=alice.tenant.pk):
        stored = Customer.objects.values_list(*fields).get(pk=customer.pk)
    cells = tuple(wb.basic_rows([{}])[0])
    cells = tuple(stored) + cells[len(stored) :]
    from hashlib import md5

    digest = md5("\x1f".join(stored).encode(), usedforsecurity=False).digest()
    stored = {"billing": {alice.company.pk: {"100": digest}}}
    fast_cleaner = RowCleaner(layout, company_id=alice.company.pk, stored=stored)
    fast = fast_cleaner.clean(2, cells)
    slow = RowCleaner(layout, company_id=alice.company.pk).clean(2, cells)
    assert fast == slow and fast[1] == []
