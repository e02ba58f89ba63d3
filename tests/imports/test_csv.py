"""CSV files (R58): UTF-8 with or without BOM or Windows-1252, comma, semicolon or tab, detected;
quoted fields with line breaks; identifiers kept as written; the template's rules and limits."""

import pytest
from django_scopes import scope

from imports.csv_reader import open_csv
from imports.models import ImportBatch
from tests.imports import workbooks as wb

pytestmark = pytest.mark.django_db

TITLES = [
    "Billing Customer Number",
    "Billing Customer Name 1",
    "Billing Customer Address 1",
    "Billing Customer City",
    "Billing Customer State",
    "Billing Customer Country",
    "Billing Customer Zip",
    "Shipping Customer State",
]
ROWS = [
    ["00042", "Café Müller", "1 Main St\nSuite 5", "Boston", "MA", "US", "02134", "NY"],
    ["0007", 'Plain; "Quoted", Inc.', "2 Elm St", "Austin", "TX", "US", "78701", ""],
]


def write_csv(path, titles, rows, *, encoding="utf-8", delimiter=","):
    """A CSV file as spreadsheet programs write it: every field quoted, CRLF line ends."""

    def quoted(value):
        return '"' + str(value).replace('"', '""') + '"'

    lines = [delimiter.join(quoted(v) for v in row) for row in [titles, *rows]]
    path.write_bytes("\r\n".join(lines).encode(encoding) + b"\r\n")
    return path


@pytest.mark.parametrize(
    "encoding, label",
    [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 with BOM"), ("cp1252", "Windows-1252")],
)
@pytest.mark.parametrize("delimiter, name", [(",", "comma"), (";", "semicolon"), ("\t", "tab")])
def test_csv_in_each_encoding_and_delimiter(
    tmp_path, run_import, customers, zones, encoding, label, delimiter, name
):
    """R58: the encoding and the delimiter are detected and said; a quoted line break stays in
    its cell; a number with leading zeros is kept as written (R34)."""
    path = write_csv(
        tmp_path / "customers.csv", TITLES, ROWS, encoding=encoding, delimiter=delimiter
    )
    result = run_import(path)
    assert result.status == "applied", result.issues
    assert result.batch.read_as == f"CSV, {label}, {name}-separated"
    stored = customers()
    assert set(stored) == {"00042", "0007"}
    assert stored["00042"].name1 == "Café Müller"
    assert stored["00042"].address_line1 == "1 Main St\nSuite 5"
    assert stored["00042"].zip == "02134"
    assert stored["0007"].name1 == 'Plain; "Quoted", Inc.'
    assert zones("00042") == ["NY"]


def test_csv_row_numbers_count_records_not_lines(tmp_path, run_import):
    """R58, R38: a row error names the record's row, as a spreadsheet shows it, even below a
    quoted line break."""
    rows = [ROWS[0], ["0008", "Bad Mail Co", "", "", "", "", "", "ZZ"]]
    result = run_import(write_csv(tmp_path / "a.csv", TITLES, rows))
    assert result.status == "invalid"
    assert [(i.row, i.column) for i in result.issues] == [(3, "Shipping Customer State")]


def test_csv_same_rules_as_the_template(alice, tmp_path, run_import):
    """R58: a CSV's titles follow R32 like a workbook's (unknown title refused, with the
    closest valid one)."""
    result = run_import(
        write_csv(tmp_path / "a.csv", ["Billing Customer Number", "Nmae"], [["1", "x"]])
    )
    assert result.status == "refused" and "Nmae" in result.message


@pytest.mark.parametrize(
    "content, message",
    [
        (b"PK\x03\x04rest of a zip", "Excel workbook"),
        ("Billing Customer Number\r\n1\r\n".encode("utf-16"), "UTF-16"),
        (b"%PDF-1.7\n", "PDF"),
        (b"", "empty"),
    ],
)
def test_csv_that_is_not_text_is_refused(tmp_path, run_import, content, message):
    """R58, R43: a .csv that is a workbook, UTF-16, a PDF or empty is refused with the reason."""
    path = tmp_path / "a.csv"
    path.write_bytes(content)
    result = run_import(path)
    assert result.status == "refused" and message in result.message


def test_csv_with_more_than_200_columns_is_refused(tmp_path, run_import):
    """R58, R43: the 200-column limit holds for CSV."""
    titles = TITLES + [f"Extra {i}" for i in range(201 - len(TITLES))]
    result = run_import(write_csv(tmp_path / "a.csv", titles, [["1"] * len(titles)]))
    assert result.status == "refused" and "200" in result.message


def test_open_csv_counts_records_and_skips_leading_blank_lines(tmp_path):
    """R58: the header is the first record with a value; rows are counted as records."""
    path = tmp_path / "a.csv"
    path.write_text('\n\nBilling Customer Number,Billing Customer Name 1\n1,"A\nB"\n2,C\n')
    sheet = open_csv(path)
    assert sheet.header == ("Billing Customer Number", "Billing Customer Name 1")
    assert sheet.header_row == 3 and sheet.rows_total == 2
    assert list(sheet.rows) == [(4, ("1", "A\nB")), (5, ("2", "C"))]


def test_upload_page_takes_csv_and_says_how_it_was_read(
    alice, login, tmp_path, django_capture_on_commit_callbacks
):
    """R58: the Import page takes a .csv; the preview says its encoding and delimiter."""
    path = write_csv(tmp_path / "export.csv", TITLES, ROWS, encoding="cp1252", delimiter=";")
    client = login(alice.editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(alice.url("imports/"), {"file": wb.upload(path)})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Read as CSV, Windows-1252, semicolon-separated" in page
    assert "Café Müller" in page
    with scope(tenant=alice.tenant.pk):
        assert ImportBatch.objects.get().file.name.endswith(".csv")


def test_csv_forbidden_character_is_a_row_error(tmp_path, run_import, customers):
    """R58, R49: a CSV cell holding a character that cannot be stored (here U+0007) is a row
    error naming the cell and the code point, as in a workbook."""
    rows = [["100", "Bell\x07 Co", "1 Main St", "Austin", "TX", "US", "78701", ""]]
    result = run_import(write_csv(tmp_path / "a.csv", TITLES, rows))
    assert result.status == "invalid"
    [issue] = result.issues
    assert (issue.row, issue.column) == (2, "Billing Customer Name 1")
    assert "B2" in issue.message and "U+0007" in issue.message
    assert customers() == {}
