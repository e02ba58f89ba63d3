"""The field cases of ../shared/field-cases/README.md through `import_customers`, each with the
outcome that README expects (read from the shared folder, never copied into the repository)."""

import time
from pathlib import Path

import pytest
from django_scopes import scope

from customers.models import Customer
from tests.imports.commands import import_command

pytestmark = pytest.mark.django_db

FIELD = Path("/work/shared/field-cases")
FIELDLOG = Path("/work/shared/fieldlog-data")


def run(alice, path, capsys) -> tuple[int, str]:
    code = import_command(alice, path)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def stored(alice) -> dict[str, Customer]:
    with scope(tenant=alice.tenant.pk):
        return {c.number: c for c in Customer.objects.filter(company=alice.company)}


def test_far_cell_refused_quickly_naming_the_cell(alice, capsys):
    """R43: a value in XFD1048576 is refused by a message naming the cell, within 2 s, and the
    process lives (it used to abort while laying out the grid)."""
    started = time.monotonic()
    code, out = run(alice, FIELD / "far_cell_XFD1048576.xlsx", capsys)
    assert time.monotonic() - started < 2
    assert code == 2 and "XFD1048576" in out
    assert stored(alice) == {}


def test_minimal_package_without_xl_folder(alice, capsys):
    """R43: the workbook part is found through the relationships, not by a fixed name."""
    code, out = run(alice, FIELD / "minimal_package_no_xl_folder.xlsx", capsys)
    assert code == 0, out
    assert list(stored(alice)) == ["MP-1"]


def test_long_numbers_are_row_errors(alice, capsys):
    """R34: number cells of more than 15 digits are row errors naming the cell, never
    rounded numbers."""
    code, out = run(alice, FIELD / "long_number_customer_numbers.xlsx", capsys)
    assert code == 1
    assert "Row 2, Billing Customer Number: error: Cell A2:" in out
    assert "Row 3, Billing Customer Number: error: Cell A3:" in out
    assert stored(alice) == {}
    assert "2 errors in 2 rows" in out


def test_000000_format_keeps_the_padded_number(alice, capsys):
    """R34: 42 shown as 000042 by its number format is the customer 000042."""
    assert run(alice, FIELD / "customer_number_000000_format_seed.xlsx", capsys)[0] == 0
    code, out = run(alice, FIELD / "customer_number_000000_format.xlsx", capsys)
    assert code == 0, out
    customers = stored(alice)
    assert list(customers) == ["000042"] and customers["000042"].city == "Round Rock"


def test_zip_plus4_stored_as_number(alice, capsys):
    """R34: a ZIP+4 stored as a number (9 or 8 digits) is padded to ZIP+4, with a warning."""
    code, out = run(alice, FIELD / "zip_plus4_as_number.xlsx", capsys)
    assert code == 0, out
    assert "warning" in out
    customers = stored(alice)
    assert customers["Z4-1"].zip == "78701-2345" and customers["Z4-2"].zip == "02134-1234"


def test_control_character_is_a_row_error(alice, capsys):
    """R49: a vertical tab (an .xlsx cannot hold it) is a row error naming row, column and
    code point; nothing is stored."""
    code, out = run(alice, FIELD / "control_char_vertical_tab.xlsx", capsys)
    assert code == 1
    assert "Row 2, Billing Customer Name 1: error:" in out and "U+000B" in out
    assert stored(alice) == {}


@pytest.mark.parametrize(
    "name", ["formula_without_cached_value.xlsx", "formula_without_cached_value_xlsxwriter.xlsx"]
)
def test_formula_without_cached_value_never_erases(alice, capsys, name):
    """R33: a formula never computed (openpyxl: no value; XlsxWriter: a 0 in a file to be
    recalculated) is a row error naming the cell; the stored phones are kept."""
    assert run(alice, FIELD / "formula_without_cached_value_seed.xlsx", capsys)[0] == 0
    code, out = run(alice, FIELD / name, capsys)
    assert code == 1
    assert "Billing Customer Phone: error: Cell B2: the formula has no computed value" in out
    customers = stored(alice)
    assert customers["FX-1"].phone == "512-555-0101"
    assert customers["FX-2"].phone == "512-555-0102"


def test_formula_cells_count_as_their_cached_values(alice, capsys):
    """R33: a formula cell counts as its computed value, never as the formula's text."""
    code, out = run(alice, FIELD / "formula_cells_with_cached_values.xlsx", capsys)
    assert code == 0, out
    customers = stored(alice)
    assert customers["HB-0"].name1 == "Innocent Name"
    assert customers["HB-1"].name1 == "Cached Value"


def test_merged_clone_rows(alice, capsys, zones):
    """R33, R35: merged cells count in every row they cover: one customer, three zones."""
    code, out = run(alice, FIELD / "merged_cells_clone_rows.xlsx", capsys)
    assert code == 0, out
    assert list(stored(alice)) == ["MC-1"]
    assert zones("MC-1") == ["CA", "NV", "OR"]


def test_full_template_row_without_billing_number(alice, capsys):
    """R33, R36: a full-template row with a shipping customer but no billing number is a row
    error; its shipping customer is not created."""
    code, out = run(alice, FIELD / "full_blank_billing_number.xlsx", capsys)
    assert code == 1
    assert "Row 3, Billing Customer Number: error:" in out
    assert "FS-2" not in stored(alice)


def test_spaces_around_a_key_match_the_same_customer(alice, capsys):
    """R8, R49: spaces and no-break spaces around a key are removed before matching."""
    assert run(alice, FIELD / "number_trailing_space_dup_seed.xlsx", capsys)[0] == 0
    code, out = run(alice, FIELD / "number_trailing_space_dup.xlsx", capsys)
    assert code == 0, out
    customers = stored(alice)
    assert sorted(customers) == ["TS-1", "TS-2"]
    assert {c.city for c in customers.values()} == {"Waco"}


def test_phantom_rows_down_to_1048576(alice, capsys):
    """R40: formatting down to row 1,048,576 keeps working, in a few seconds."""
    started = time.monotonic()
    code, out = run(alice, FIELD / "phantom_rows_1048576.xlsx", capsys)
    assert code == 0, out
    assert sorted(stored(alice)) == ["PH-1", "PH-2", "PH-3"]
    assert time.monotonic() - started < 8


@pytest.mark.parametrize(
    ("name", "number"), [("strict_ooxml.xlsx", "ST-1"), ("nonstandard_ns_prefix.xlsx", "NS-1")]
)
def test_strict_and_prefixed_packages_are_read(alice, capsys, name, number):
    """R43: Strict Open XML and an unusual namespace prefix are read, never refused for their
    format."""
    code, out = run(alice, FIELDLOG / name, capsys)
    assert code == 0, out
    assert number in stored(alice)


@pytest.mark.parametrize(
    "name", sorted(p.name for p in FIELD.glob("*.xlsx") if not p.stem.endswith("_seed"))
)
def test_the_web_page_reads_each_field_case_as_the_command_line_does(
    alice, login, name, django_capture_on_commit_callbacks
):
    """R32-R34, R38: every field case uploaded through the Import page ends as the command line's
    check of it does: refused with the same message, or checked with the same counts and the
    same issues (cell, column, text)."""
    from imports.models import ImportBatch, Status
    from imports.services import import_file
    from tests.imports import workbooks as wb

    path = FIELD / name
    with scope(tenant=alice.tenant.pk):
        command = import_file(path, tenant=alice.tenant, company=alice.company, dry_run=True)
    client = login(alice.editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(alice.url("imports/"), {"file": wb.upload(path)})
    assert response.status_code == 302
    with scope(tenant=alice.tenant.pk):
        batch = ImportBatch.objects.latest("pk")
    if command.status == "refused":
        assert (batch.status, batch.message) == (Status.FAILED, command.message)
        return
    assert batch.status == Status.READY
    assert batch.counts == command.counts
    assert [(e["row"], e["column"], e["message"]) for e in batch.errors] == [
        (i.row, i.column, i.message) for i in command.issues
    ]
