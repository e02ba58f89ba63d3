"""The file checks (R32, R43), the header (R31, R32) and exact cell text (R34), without the DB."""

import datetime
import time

import pytest

from imports.columns import template_titles
from imports.header import read_header
from imports.reader import NumberText, WorkbookRefused, cell_text, open_sheet
from tests.imports import workbooks as wb


def refusal(path) -> str:
    started = time.monotonic()
    with pytest.raises(WorkbookRefused) as caught:
        open_sheet(path)
    assert time.monotonic() - started < 5, "a hostile file must be refused quickly"
    return str(caught.value)


def test_entity_bomb_refused(tmp_path):
    """R43: an XML entity bomb is refused before parsing."""
    assert "DOCTYPE" in refusal(wb.entity_bomb(tmp_path))


def test_zip_bomb_refused(tmp_path):
    """R43: a part that decompresses far beyond its size (a zip bomb) is refused."""
    assert "zip bomb" in refusal(wb.zip_bomb(tmp_path))


def test_total_decompressed_size_limit(tmp_path, monkeypatch):
    """R43: a decompressed-size limit applies to the whole workbook."""
    from imports.reader import package

    monkeypatch.setattr(package, "MAX_UNCOMPRESSED_BYTES", 2000)
    path = wb.basic_file(tmp_path / "big.xlsx", [wb.customer(str(n)) for n in range(50)])
    assert "decompresses to more" in refusal(path)


def test_201_columns_refused(tmp_path):
    """R43: more than 200 columns are refused."""
    assert "201 columns" in refusal(wb.wide_workbook(tmp_path))


def test_200_columns_read(tmp_path):
    """R43: 200 columns are still read (the title check comes after)."""
    sheet = open_sheet(wb.wide_workbook(tmp_path, columns=200))
    assert len(sheet.header) == 200


def test_macro_workbook_renamed_refused(tmp_path):
    """R43: an .xlsm renamed .xlsx is refused."""
    assert "Macro-enabled" in refusal(wb.macro_workbook(tmp_path))


def test_encrypted_workbook_refused(tmp_path):
    """R43: an encrypted workbook (an OLE2 compound file) is refused."""
    assert "encrypted" in refusal(wb.encrypted_workbook(tmp_path))


def test_pdf_named_xlsx_refused(tmp_path):
    """R43: a PDF renamed .xlsx is not what its name says."""
    assert "PDF" in refusal(wb.pdf_named_xlsx(tmp_path))


def test_plain_zip_and_text_refused(tmp_path):
    """R32: a file that is not a readable workbook is refused."""
    import zipfile

    with zipfile.ZipFile(tmp_path / "a.xlsx", "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert "not an Excel workbook" in refusal(tmp_path / "a.xlsx")
    (tmp_path / "b.xlsx").write_text("Number,Name\n1,A\n")
    assert "not an Excel workbook" in refusal(tmp_path / "b.xlsx")


def test_second_worksheet_refused(tmp_path):
    """R32: more than one worksheet is refused."""
    path = wb.write_xlsx(tmp_path / "two.xlsx", wb.BASIC, [], extra_sheets=1)
    assert "2 worksheets" in refusal(path)


def test_cell_text_is_exact():
    """R34: numbers lose no digits and gain no ".0"; past 15 digits there is no text (a row
    error); dates are ISO."""
    assert cell_text(123.0) == "123"
    assert isinstance(cell_text(123.0), NumberText)
    assert cell_text(1.5) == "1.5"
    assert cell_text(123456789012345.0) == "123456789012345"
    assert cell_text(1e20) is None
    assert cell_text(1e-7) == "0.0000001"
    assert cell_text(datetime.date(2024, 1, 2)) == "2024-01-02"
    assert cell_text(datetime.datetime(2024, 1, 2)) == "2024-01-02"
    assert cell_text(True) == "TRUE"


def test_numeric_cells_read_as_text(tmp_path):
    """R34: a customer number typed as a number reads back without ".0"."""
    path = wb.write_xlsx(
        tmp_path / "n.xlsx",
        ["Billing Customer Number", "Billing Customer Zip"],
        [[1234567890123, 2134]],
    )
    sheet = open_sheet(path)
    ((row_no, cells),) = list(sheet.rows)
    assert row_no == 2 and cells == ("1234567890123", "2134")


def test_titles_match_trimmed_case_insensitive():
    """R31: titles match after trimming, case-insensitively; the kind comes from the titles."""
    layout = read_header(("  billing customer NUMBER ", "Shipping Customer State"))
    assert layout.kind == "basic"
    layout = read_header(tuple(template_titles("full")))
    assert layout.kind == "full"


def test_altered_title_names_the_closest():
    """R32: an unknown title is refused, naming it and the closest valid title."""
    with pytest.raises(WorkbookRefused) as caught:
        read_header(("Billing Customer Number", "Billing Customer Nmae 1"))
    assert '"Billing Customer Nmae 1"' in str(caught.value)
    assert '"Billing Customer Name 1"' in str(caught.value)


def test_duplicate_title_refused():
    """R32: a title that appears twice is refused."""
    with pytest.raises(WorkbookRefused, match="appears twice"):
        read_header(("Billing Customer Number", "Billing Customer City", "billing customer city"))


def test_missing_key_column_refused():
    """R32: the key column Billing Customer Number is required."""
    with pytest.raises(WorkbookRefused, match="Billing Customer Number"):
        read_header(("Billing Customer Name 1", "Billing Customer City"))


def test_full_template_without_shipping_number_refused():
    """R32: a full-template file must have Shipping Customer Number."""
    with pytest.raises(WorkbookRefused, match="Shipping Customer Number"):
        read_header(("Billing Customer Number", "Shipping Customer Name 1"))


def test_merge_over_a_whole_column_makes_no_million_rows(tmp_path):
    """R33, R43: a merged range counts in the rows it covers that hold data; one reaching to row
    1,048,576 (formatting) makes no empty rows below them, so the file is read at once."""
    from tests.imports.packages import write_package

    rows = [
        ["Billing Customer Number", "Billing Customer Name 1"],
        ["M-1", "Same name"],
        ["M-2", ""],
    ]
    path = write_package(tmp_path / "m.xlsx", rows, merges=("B2:B1048576",))
    started = time.monotonic()
    sheet = open_sheet(path)
    assert list(sheet.rows) == [(2, ("M-1", "Same name")), (3, ("M-2", "Same name"))]
    assert time.monotonic() - started < 2


def test_unknown_xml_encoding_is_refused(tmp_path):
    """R43: a part declaring an encoding no parser knows is refused with the reason (found by
    fuzzing: it escaped as a LookupError)."""
    path = wb.basic_file(tmp_path / "plain.xlsx", [wb.customer("1")])
    import zipfile

    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml")
    workbook = b'<?xml version="1.0" encoding="UTF-9"?>' + workbook.split(b"?>", 1)[-1]
    bad = wb.rewrite_zip(path, tmp_path / "enc.xlsx", replace={"xl/workbook.xml": workbook})
    assert "not well-formed XML" in refusal(bad)


def test_value_element_holding_text_runs_does_not_crash(tmp_path):
    """R43: a malformed cell (`<v><t>x</t></v>`, found by fuzzing) is read, never a crash."""
    from tests.imports.packages import Raw, write_package

    path = write_package(
        tmp_path / "v.xlsx",
        [
            ["Billing Customer Number", "Billing Customer Zip"],
            ["V-1", Raw("<v><t>x</t></v>")],
            [2, 42],
        ],
        number_formats={"A3": "000000"},
    )  # a digit pattern: the careful reader
    assert [row_no for row_no, _ in open_sheet(path).rows] == [2, 3]


@pytest.mark.parametrize("careful", [False, True], ids=["calamine", "careful"])
def test_excel_escapes_are_decoded_by_both_readers(tmp_path, careful):
    """R49: `_x000B_` in a cell is Excel's escape of U+000B; both readers give the character
    back (so the import refuses it, as in the original file)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Billing Customer Number", "Billing Customer Name 1", "Billing Customer Zip"])
    sheet.append(["E-1", "Oakvale _x000B_ Supply", 2134])
    if careful:
        sheet["C2"].number_format = "00000"
    path = tmp_path / "escaped.xlsx"
    workbook.save(path)
    assert [cells[1] for _, cells in open_sheet(path).rows] == ["Oakvale \x0b Supply"]
