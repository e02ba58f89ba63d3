"""The "Download with errors" file (R38): it uploads again as it is, each faulty cell filled and
carrying its message."""

import io

import pytest
from django_scopes import scope
from openpyxl import Workbook, load_workbook

from customers.models import Customer
from imports.columns import COMPANY_CODE_TITLE, ERRORS_TITLE
from imports.error_file import FAULT_FILL, write_error_file
from tests.factories import import_file
from tests.imports import workbooks as wb

pytestmark = pytest.mark.django_db

HEADER = [COMPANY_CODE_TITLE, *wb.BASIC]


def _row(code, number, **fields):
    return [code, *wb.basic_rows([wb.customer(number, **fields)])[0]]


@pytest.fixture
def faulty(tmp_path):
    """A workbook with a good row, a bad email, an unknown company code, a ZIP stored as a
    number, a zero-padded number kept as text, and two rows of one customer that disagree on
    two columns."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in [
        _row("", "100"),
        _row("", "200", Email="not-an-email"),
        _row("NOPE", "300"),
        _row("", "400", Zip=2134, State="MA"),
        _row("", "000042"),
        _row("", "500", City="Dallas", Phone="1"),
        _row("", "500", City="Waco", Phone="2"),
    ]:
        sheet.append(row)
    path = tmp_path / "faulty.xlsx"
    workbook.save(path)
    return path


def _issues(result):
    return [(i.row, i.column) for i in result.issues if i.level == "error"]


def test_error_file_marks_each_faulty_cell_and_uploads_again(alice, faulty, tmp_path):
    """R38: the error file keeps every row where it was, adds the `CertHub Errors` column,
    fills each faulty cell and attaches its message as a comment; uploaded again as it is, it
    is read like the original (same errors at the same rows; the valid rows apply)."""
    first = import_file(faulty, tenant=alice.tenant, company=alice.company, user=alice.editor)
    assert first.status == "invalid"
    expected = [
        (3, "Billing Customer Email"),
        (4, COMPANY_CODE_TITLE),
        (7, "Billing Customer City, Billing Customer Phone"),
        (8, "Billing Customer City, Billing Customer Phone"),
    ]
    assert _issues(first) == expected
    with scope(tenant=alice.tenant.pk):
        content = write_error_file(first.batch)
    path = tmp_path / "faulty-errors.xlsx"
    path.write_bytes(content)

    sheet = load_workbook(io.BytesIO(content)).active
    assert [c.value for c in sheet[1]] == [*HEADER, ERRORS_TITLE]
    column = {title: index for index, title in enumerate(HEADER)}
    email = sheet[3][column["Billing Customer Email"]]
    assert email.value == "not-an-email"
    assert email.fill.fgColor.rgb == FAULT_FILL.fgColor.rgb and email.fill.fill_type == "solid"
    assert "not a valid email address" in email.comment.text
    code = sheet[4][column[COMPANY_CODE_TITLE]]
    assert code.fill.fill_type == "solid" and "'NOPE' is not the code" in code.comment.text
    for row in (7, 8):
        for title in ("Billing Customer City", "Billing Customer Phone"):
            assert "different values" in sheet[row][column[title]].comment.text
    assert sheet[7][column["Billing Customer Name 1"]].comment is None
    assert "Billing Customer Email: " in sheet[3][len(HEADER)].value
    assert sheet[2][len(HEADER)].value is None and sheet[2][0].fill.fill_type is None
    zip_cell = sheet[5][column["Billing Customer Zip"]]
    assert zip_cell.value == 2134 and zip_cell.data_type == "n"
    assert sheet[6][column["Billing Customer Number"]].value == "000042"

    again = import_file(
        path, tenant=alice.tenant, company=alice.company, user=alice.editor, skip_errors=True
    )
    assert again.status == "applied" and _issues(again) == expected
    assert again.counts["warnings"] == first.counts["warnings"] == 1  # the padded ZIP
    with scope(tenant=alice.tenant.pk):
        stored = dict(Customer.objects.values_list("number", "zip"))
    assert stored == {"100": "78701", "400": "02134", "000042": "78701"}


def test_error_file_download_from_the_page(alice, faulty, login):
    """R38: the batch page's "Download with errors" answers the marked workbook."""
    batch = import_file(faulty, tenant=alice.tenant, company=alice.company, user=alice.editor).batch
    response = login(alice.editor).get(alice.url(f"imports/{batch.public_id}/errors.xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=1, column=len(HEADER) + 1).value == ERRORS_TITLE
    assert sheet.cell(row=3, column=HEADER.index("Billing Customer Email") + 1).comment


def test_error_file_keeps_unreadable_cells_unreadable(alice, tmp_path):
    """R38, R33: a cell the import could not read (a formula never computed) comes back as an
    error value, so the file uploaded again as it is reports it again and never erases the
    stored value."""
    from tests.factories import make_customer

    make_customer(alice.company, "100", "Acme", phone="512-555-0101")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(wb.BASIC)
    sheet.append(wb.basic_rows([wb.customer("100", Name_1="Acme")])[0])
    sheet.cell(row=2, column=wb.BASIC.index("Billing Customer Phone") + 1, value="=1+1")
    workbook.save(tmp_path / "formula.xlsx")
    first = import_file(
        tmp_path / "formula.xlsx", tenant=alice.tenant, company=alice.company, user=alice.editor
    )
    assert _issues(first) == [(2, "Billing Customer Phone")]
    with scope(tenant=alice.tenant.pk):
        content = write_error_file(first.batch)
    phone = load_workbook(io.BytesIO(content)).active.cell(
        row=2, column=wb.BASIC.index("Billing Customer Phone") + 1
    )
    assert phone.value == "#N/A" and phone.data_type == "e" and phone.comment
    (tmp_path / "again.xlsx").write_bytes(content)
    again = import_file(
        tmp_path / "again.xlsx",
        tenant=alice.tenant,
        company=alice.company,
        user=alice.editor,
        skip_errors=True,
    )
    assert _issues(again) == [(2, "Billing Customer Phone")]
    with scope(tenant=alice.tenant.pk):
        assert Customer.objects.get(number="100").phone == "512-555-0101"


@pytest.mark.parametrize("careful", [False, True], ids=["calamine", "careful"])
def test_rows_below_blank_rows_keep_their_numbers(alice, tmp_path, careful):
    """R38/R33: a header on row 3 (two blank rows above it): a row error names the row Excel
    shows, through both readers, and the error file marks that very row."""
    workbook = Workbook()
    sheet = workbook.active
    for offset, row in enumerate([HEADER, _row("", "100"), _row("", "200", Email="bad")]):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=3 + offset, column=column, value=value or None)
    if careful:  # a digit-pattern number format sends the sheet to the careful reader
        sheet.cell(row=4, column=HEADER.index("Billing Customer Zip") + 1).number_format = "00000"
    path = tmp_path / "low.xlsx"
    workbook.save(path)
    result = import_file(path, tenant=alice.tenant, company=alice.company, user=alice.editor)
    assert _issues(result) == [(5, "Billing Customer Email")]
    with scope(tenant=alice.tenant.pk):
        content = write_error_file(result.batch)
    out = load_workbook(io.BytesIO(content)).active
    email = out.cell(row=5, column=HEADER.index("Billing Customer Email") + 1)
    assert email.value == "bad" and "not a valid email address" in email.comment.text
    assert out.cell(row=3, column=2).value == HEADER[1]
    assert out.cell(row=4, column=2).value == "100"


def test_refused_character_is_refused_again_from_the_error_file(alice, tmp_path):
    """R38, R49: a cell refused for a character an .xlsx cannot hold (a vertical tab) goes into
    the error file as Excel's escape `_x000B_`, commented; uploaded again unchanged, the file
    gives the same row error and stores nothing (never a U+FFFD customer name)."""
    from pathlib import Path

    source = Path("/work/shared/field-cases/control_char_vertical_tab.xlsx")
    first = import_file(source, tenant=alice.tenant, company=alice.company, user=alice.editor)
    assert _issues(first) == [(2, "Billing Customer Name 1")]
    with scope(tenant=alice.tenant.pk):
        content = write_error_file(first.batch)
    name = load_workbook(io.BytesIO(content)).active["D2"]
    assert name.value == "Oakvale _x000B_ Supply" and "U+000B" in name.comment.text
    path = tmp_path / "again.xlsx"
    path.write_bytes(content)
    again = import_file(path, tenant=alice.tenant, company=alice.company, user=alice.editor)
    assert _issues(again) == [(2, "Billing Customer Name 1")]
    assert "U+000B" in again.issues[0].message
    with scope(tenant=alice.tenant.pk):
        assert not Customer.objects.exists()
