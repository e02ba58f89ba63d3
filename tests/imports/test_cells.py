"""Cells as Excel shows them (R33, R34), characters (R49) and package layouts (R43), through the
import with workbooks built here (openpyxl, or the package XML written directly)."""

import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import Workbook

from imports.reader import ERROR_VALUES
from tests.imports import workbooks as wb
from tests.imports.packages import Raw, write_package

pytestmark = pytest.mark.django_db

TITLES = ["Billing Customer Number", "Billing Customer Name 1", "Billing Customer Phone"]
ROOT = Path(__file__).resolve().parents[2]


def errors(result) -> list[tuple[int, str, str]]:
    return [(i.row, i.column, i.message) for i in result.issues if i.level == "error"]


def test_formula_cached_value_counts_and_missing_value_is_an_error(tmp_path, run_import, customers):
    """R33: a formula counts as its cached value; one without a computed value is a row error
    naming the cell, and never erases the stored value."""
    path = write_package(
        tmp_path / "f.xlsx",
        [
            TITLES,
            ["F-1", Raw('<f>"Cached"&amp;" name"</f><v>Cached name</v>', t="str"), "512-555-0101"],
            ["F-2", "Two", Raw("<f>1+1</f>")],
            ["F-3", "Three", Raw("<f>1+1</f><v></v>")],
        ],
    )
    result = run_import(path, skip_errors=True)
    assert errors(result) == [
        (
            3,
            "Billing Customer Phone",
            "Cell C3: the formula has no computed value; open the file in Excel and save it again.",
        ),
        (
            4,
            "Billing Customer Phone",
            "Cell C4: the formula has no computed value; open the file in Excel and save it again.",
        ),
    ]
    assert list(customers()) == ["F-1"] and customers()["F-1"].name1 == "Cached name"


def test_every_error_value_is_a_row_error(tmp_path, run_import, customers):
    """R33: every error value (#N/A, #REF!, #SPILL!, ...) is a row error naming the cell,
    never an erase and never 0."""
    run_import(
        wb.write_xlsx(
            tmp_path / "seed.xlsx",
            TITLES,
            [[f"E-{i}", "Name", "512-555-0100"] for i in range(len(ERROR_VALUES))],
        )
    )
    rows = [
        [f"E-{i}", "Name", Raw(f"<v>{value}</v>", t="e")] for i, value in enumerate(ERROR_VALUES)
    ]
    result = run_import(write_package(tmp_path / "e.xlsx", [TITLES, *rows]))
    assert result.status == "invalid"
    assert errors(result) == [
        (i + 2, "Billing Customer Phone", f"Cell C{i + 2}: the cell shows the error {value}.")
        for i, value in enumerate(ERROR_VALUES)
    ]
    assert {c.phone for c in customers().values()} == {"512-555-0100"}


def test_merged_cells_count_in_every_row(tmp_path, run_import, customers, zones):
    """R33, R35: a merged range's value counts in every cell it covers (openpyxl's merge)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(wb.BASIC)
    for state in ("CA", "NV", "OR"):
        row = wb.basic_rows([wb.customer("M-1", Ship=state)])[0]
        sheet.append(row if state == "CA" else [""] * 15 + [state])
    for column in "ABCDEFGHIJKLMNO":
        sheet.merge_cells(f"{column}2:{column}4")
    workbook.save(tmp_path / "m.xlsx")
    result = run_import(tmp_path / "m.xlsx")
    assert result.status == "applied", result.issues
    assert list(customers()) == ["M-1"] and zones("M-1") == ["CA", "NV", "OR"]


def test_keyless_row_basic_template(tmp_path, run_import, customers):
    """R33: a row with a value but no Billing Customer Number is a row error, never dropped
    (basic template: only a ship-to state)."""
    rows = wb.basic_rows([wb.customer("K-1", Ship="CA")]) + [[""] * 15 + ["NV"]]
    result = run_import(wb.write_xlsx(tmp_path / "k.xlsx", wb.BASIC, rows))
    assert result.status == "invalid"
    assert errors(result) == [(3, "Billing Customer Number", "The customer number is required.")]
    assert customers() == {}


def test_numbers_of_15_and_16_digits(tmp_path, run_import, customers):
    """R34: a 15-digit number cell reads exactly; 16 digits is a row error naming the cell."""
    path = wb.write_xlsx(
        tmp_path / "n.xlsx",
        TITLES[:2],
        [[123456789012345, "Fifteen"], [1234567890123456, "Sixteen"]],
    )
    result = run_import(path, skip_errors=True)
    assert [(row, column) for row, column, _ in errors(result)] == [(3, "Billing Customer Number")]
    assert "Cell A3: the number 1234567890123456 has more than 15 digits" in errors(result)[0][2]
    assert list(customers()) == ["123456789012345"]


def test_number_formats_000000_and_zip_plus_4(tmp_path, run_import, customers):
    """R34: number cells take the text their format shows: `000000` pads 42 to 000042,
    `00000-0000` shows 787012345 as 78701-2345 (with a warning that it was a number)."""
    workbook = Workbook()
    sheet = workbook.active
    titles = [
        "Billing Customer Number",
        "Billing Customer Name 1",
        "Billing Customer State",
        "Billing Customer Country",
        "Billing Customer Zip",
    ]
    sheet.append(titles)
    sheet.append([42, "Padded", "TX", "US", 787012345])
    sheet.append(["Z-2", "Plain ZIP+4", "MA", "US", 21341234])
    sheet["A2"].number_format = "000000"
    sheet["E2"].number_format = "00000-0000"
    workbook.save(tmp_path / "fmt.xlsx")
    result = run_import(tmp_path / "fmt.xlsx")
    assert result.status == "applied", result.issues
    stored = customers()
    assert sorted(stored) == ["000042", "Z-2"]
    assert stored["000042"].zip == "78701-2345" and stored["Z-2"].zip == "02134-1234"
    assert [i.level for i in result.issues] == ["warning", "warning"]


@pytest.mark.parametrize(
    "character", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1f", "\ud800", "\ufffe", "\uffff"]
)
def test_forbidden_characters_are_row_errors(tmp_path, run_import, customers, character):
    """R49: a character PostgreSQL or an .xlsx cannot hold is a row error with row, column
    title and code point; nothing is stored."""
    path = write_package(tmp_path / "c.xlsx", [TITLES, ["C-1", f"Bad{character}Name", ""]])
    result = run_import(path)
    assert result.status == "invalid"
    ((row, column, message),) = errors(result)
    assert (row, column) == (2, "Billing Customer Name 1")
    assert f"U+{ord(character):04X}" in message
    assert customers() == {}


def test_invisible_characters_around_keys_and_titles(tmp_path, run_import, customers):
    """R49: a BOM before a title is accepted; a number ending in a zero-width space is the same
    customer."""
    run_import(wb.write_xlsx(tmp_path / "seed.xlsx", TITLES[:2], [["Z-1", "First"]]))
    path = write_package(
        tmp_path / "z.xlsx",
        [
            ["\ufeffBilling Customer Number", "Billing Customer Name 1\u00a0"],
            ["Z-1\u200b", "Second"],
            ["\u2060Z-1", "Second"],
        ],
    )
    result = run_import(path)
    assert result.status == "applied", result.issues
    assert list(customers()) == ["Z-1"] and customers()["Z-1"].name1 == "Second"


def test_title_differing_only_by_invisible_characters(tmp_path, run_import):
    """R49: a refused title that differs from a valid one only by invisible characters says
    so."""
    path = write_package(
        tmp_path / "t.xlsx",
        [["Billing Customer Number", "Billing\u200b Customer Name 1"], ["T-1", "A"]],
    )
    result = run_import(path)
    assert result.status == "refused"
    assert "only by invisible characters (U+200B)" in result.message


@pytest.mark.parametrize(
    "options",
    [
        {"layout": "flat"},
        {"layout": "backslash"},
        {"strict": True},
        {"p": "x:"},
        {"strict": True, "p": "s:", "layout": "flat"},
    ],
)
def test_package_layouts(tmp_path, run_import, customers, options):
    """R43: a workbook Excel opens is read whatever its layout: the workbook found through the
    relationships, backslashes in part names, Strict Open XML, any namespace prefix."""
    path = write_package(
        tmp_path / "p.xlsx", [TITLES, ["P-1", "Package", "512-555-0100"]], **options
    )
    result = run_import(path)
    assert result.status == "applied", (result.message, result.issues)
    assert customers()["P-1"].phone == "512-555-0100"


def test_package_without_main_document_says_so(tmp_path, run_import):
    """R43: a refusal states the true reason."""
    import zipfile

    with zipfile.ZipFile(tmp_path / "r.xlsx", "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>',
        )
    result = run_import(tmp_path / "r.xlsx")
    assert result.status == "refused" and "name no main document" in result.message


FAR = """
import resource, sys
from imports.reader import WorkbookRefused, open_sheet
try:
    sheet = open_sheet(sys.argv[1])
    rows = sum(1 for _ in sheet.rows)
    print("read", rows)
except WorkbookRefused as refused:
    print("refused", refused)
print("peak_kb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


@pytest.mark.parametrize(
    ("far", "outcome"),
    [
        ("O1048576", "read 1"),
        ("Z1048576", "read 1"),
        ("GR1048576", "read 1"),
        ("XFD1048576", "refused"),
        ("XFD2 spaced", "refused"),
    ],
)
def test_far_cells_read_sparsely_in_bounded_memory(tmp_path, far, outcome):
    """R43: a value in A1 and one far away is read sparsely or refused by a message naming the
    cell, in a child process that exits normally, far under 1 GB and within 2 s (also with the
    reference written `r = 'XFD2'`, as XML allows)."""
    path = wb.basic_file(tmp_path / "plain.xlsx", [])
    far, _, spaced = far.partition(" ")
    attribute = f"r = '{far}'" if spaced else f'r="{far}"'
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Billing Customer Number</t>'
        f'</is></c></row><row r="{far.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}"><c {attribute}>'
        "<v>1</v></c></row></sheetData></worksheet>"
    )
    path = wb.rewrite_zip(
        path, tmp_path / "far.xlsx", replace={"xl/worksheets/sheet1.xml": sheet.encode()}
    )
    started = time.monotonic()
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", FAR, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert time.monotonic() - started < 4  # 2 s of reading, plus starting Python
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(outcome)
    if outcome == "refused":
        assert far in done.stdout
    peak_kb = int(done.stdout.rsplit("peak_kb", 1)[1])
    assert peak_kb < 300 * 1024  # far under 1 GB


def test_error_cell_written_with_spaces_and_single_quotes(tmp_path, run_import, customers):
    """R33: an error cell is an error however its type attribute is written (`t = 'e'`)."""
    path = write_package(tmp_path / "e.xlsx", [TITLES, ["Q-1", "Quoted", Raw("<v>#N/A</v>")]])
    import zipfile

    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
        b'<c r="C2">', b"<c r=\"C2\" t = 'e'>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    result = run_import(path)
    assert errors(result) == [
        (2, "Billing Customer Phone", "Cell C2: the cell shows the error #N/A.")
    ]
    assert customers() == {}


@pytest.mark.parametrize(
    "cell",
    [
        '<c r="C2">\n  <f>1+1</f>\n</c>',
        '<c r="C2"><f>1+1</f><v/></c>',
        '<c r="C2"><f t="shared" si="0" ref="C2:C3"/></c>',
    ],
)
def test_formula_without_value_however_written(tmp_path, run_import, customers, cell):
    """R33: a formula without a computed value is a row error however the XML is written
    (indented, an empty value, a shared formula with no value), while formulas with values are
    read fast (the scan sends only the former to the careful reader)."""
    path = write_package(tmp_path / "f.xlsx", [TITLES, ["W-1", "Written", "placeholder"]])
    import zipfile

    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    start = sheet.index('<c r="C2"')
    parts["xl/worksheets/sheet1.xml"] = (
        sheet[:start] + cell + sheet[sheet.index("</c>", start) + 4 :]
    ).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    result = run_import(path)
    assert [(row, column) for row, column, _ in errors(result)] == [(2, "Billing Customer Phone")]
    assert customers() == {}


def test_formulas_with_values_are_read_by_the_fast_reader(tmp_path):
    """R33, R43: formulas with computed values need no careful reading (speed), and count as
    those values."""
    from imports.reader import check_container, open_sheet

    path = write_package(
        tmp_path / "v.xlsx",
        [TITLES, ["V-1", Raw('<f>"A"&amp;"B"</f><v>AB</v>', t="str"), Raw("<f>1+1</f><v>2</v>")]],
    )
    assert "formula" not in check_container(path).careful
    assert list(open_sheet(path).rows) == [(2, ("V-1", "AB", "2"))]
