"""Reading an uploaded .csv into the same `Sheet` the engine reads from a workbook (R58).

The encoding is UTF-8 (with or without a byte order mark) when the whole file decodes as UTF-8,
else Windows-1252 when charset-normalizer finds the bytes readable as such; anything else (UTF-16,
binary) is refused. The delimiter (comma, semicolon or tab) is found by the standard library's
csv.Sniffer on the first lines, or, when it cannot tell, by the header line alone. Quoted fields
may hold delimiters, quotes and line breaks. Cells stay text exactly as written (an identifier
"00042" keeps its zeros: nothing here is a number). Row numbers are the record numbers a
spreadsheet shows (the header is row 1), whatever line breaks quoted fields hold. Knows no ORM.
"""

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_path

from imports.reader import MAX_COLUMNS, MAX_ROWS, Sheet, WorkbookRefused, open_sheet
from imports.reader.base import titles

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
SNIFF_BYTES = 64 * 1024
CHUNK = 1024 * 1024
UTF8_BOM = codecs.BOM_UTF8
ENCODING_LABELS = {"utf-8-sig": "UTF-8 with BOM", "utf-8": "UTF-8", "cp1252": "Windows-1252"}


def is_csv(name: str) -> bool:
    """Whether an upload is read as CSV: by its name, checked against its content on opening."""
    return str(name).lower().endswith(".csv")


def open_table(path, *, name: str) -> Sheet:
    """The upload's one table: a CSV by its name (R58), else the workbook's one sheet."""
    return open_csv(path) if is_csv(name) else open_sheet(path)


@dataclass
class CsvSheet(Sheet):
    encoding: str = ""  # a key of ENCODING_LABELS
    delimiter: str = ","

    @property
    def described(self) -> str:
        """How the file was read, for the preview: "CSV, UTF-8 with BOM, semicolon-separated"."""
        return f"CSV, {ENCODING_LABELS[self.encoding]}, {DELIMITERS[self.delimiter]}-separated"


def _refuse_binary(head: bytes) -> None:
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise WorkbookRefused(
            "This file is named .csv but is an Excel workbook; name it .xlsx or save it as CSV."
        )
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise WorkbookRefused(
            'This CSV file is UTF-16 (Excel\'s "Unicode Text"); save it as '
            '"CSV UTF-8" or plain CSV.'
        )
    if head.startswith(b"%PDF"):
        raise WorkbookRefused("This file is a PDF, not a CSV file.")


def _is_utf8(path: Path) -> bool:
    """The whole file decodes as UTF-8 (read in chunks, never whole into memory)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as handle:
        try:
            while chunk := handle.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def detect_encoding(path: Path) -> str:
    """ "utf-8-sig", "utf-8" or "cp1252" (a key of ENCODING_LABELS); WorkbookRefused else."""
    with open(path, "rb") as handle:
        head = handle.read(8)
    _refuse_binary(head)
    if head.startswith(UTF8_BOM):
        return "utf-8-sig"
    if _is_utf8(path):
        return "utf-8"
    best = from_path(path, cp_isolation=["cp1252"]).best()
    if best is None:
        raise WorkbookRefused(
            'This CSV file is neither UTF-8 nor Windows-1252 text; save it as "CSV UTF-8".'
        )
    return "cp1252"


def detect_delimiter(sample: str) -> str:
    """Comma, semicolon or tab: csv.Sniffer on the first lines, else the one the header line
    holds most of (outside quotes), comma when it holds none."""
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        pass
    first = next(csv.reader([sample.splitlines()[0] if sample else ""]), [])
    header = ",".join(first) if len(first) > 1 else (sample.splitlines() or [""])[0]
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


def _open(path: Path, encoding: str):
    return open(path, encoding=encoding, newline="")


def _records(path: Path, encoding: str, delimiter: str) -> Iterator[list[str]]:
    with _open(path, encoding) as handle:
        try:
            yield from csv.reader(handle, delimiter=delimiter, strict=False)
        except csv.Error as error:
            raise WorkbookRefused(f"This CSV file cannot be read: {error}.") from error


def open_csv(path) -> CsvSheet:
    """Detect the encoding and delimiter, count the records, and give the header (the first
    record with a value) and an iterator of (row number, cells) below it. Refuses a file
    wider than MAX_COLUMNS or longer than MAX_ROWS."""
    path = Path(path)
    encoding = detect_encoding(path)
    with _open(path, encoding) as handle:
        sample = handle.read(SNIFF_BYTES)
    delimiter = detect_delimiter(sample)
    header, header_row, total = None, 0, 0
    for number, record in enumerate(_records(path, encoding, delimiter), start=1):
        if len(record) > MAX_COLUMNS:
            raise WorkbookRefused(
                f"Row {number} of this CSV file has {len(record)} columns; "
                f"at most {MAX_COLUMNS} are accepted."
            )
        if header is None:
            if any(cell.strip() for cell in record):
                header = tuple(cell.strip() for cell in record)
                header_row = number
            continue
        total += 1
        if total >= MAX_ROWS:
            raise WorkbookRefused(f"This CSV file has more than {MAX_ROWS - 1:,} data rows.")
    return CsvSheet(
        header=titles(header, "The CSV file is empty: it has no header row."),
        header_row=header_row,
        rows_total=total,
        rows=_data_rows(path, encoding, delimiter, header_row),
        encoding=encoding,
        delimiter=delimiter,
    )


def _data_rows(path, encoding, delimiter, header_row) -> Iterator[tuple[int, tuple[str, ...]]]:
    records = _records(path, encoding, delimiter)
    for number, record in enumerate(records, start=1):
        if number > header_row:
            yield number, tuple(record)
