"""Opening an uploaded .xlsx safely and reading its cells as text (R32, R34, R43).

Before any parsing the file is checked for what it really is: a zip holding a workbook, with no
macros, no encryption, no XML DOCTYPE/ENTITY declarations (entity bombs) and sane decompressed
sizes (zip bombs). Only then does python-calamine read the cells; numbers become text exactly
("123", never "123.0"), dates ISO. Knows no ORM.
"""

import datetime
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from python_calamine import CalamineError, CalamineWorkbook

MAX_COLUMNS = 200
MAX_ROWS = 1_048_576  # Excel's sheet limit (R40)
MAX_UNCOMPRESSED_BYTES = 1536 * 1024 * 1024  # all parts together, decompressed
MAX_RATIO = 250  # decompressed/compressed for a large part; real sheets stay far below
RATIO_CHECKED_FROM = 1024 * 1024  # small parts may compress very well and harmlessly
PROLOG_BYTES = 64 * 1024
CHUNK = 1024 * 1024

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MACRO_MARKERS = (b"macroEnabled", b"vbaProject")
_PROLOG = re.compile(rb"(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.S)


class WorkbookRefused(Exception):  # noqa: N818  (a refusal, not a programming error)
    """The file is refused whole (R32, R43); the message tells the user why."""


class NumberText(str):
    """Text of a cell Excel stored as a number (R34 pads such ZIP codes)."""

    __slots__ = ()


@dataclass
class Sheet:
    header: tuple[str, ...]
    header_row: int
    rows_total: int  # data rows below the header (blank rows included)
    rows: Iterator[tuple[int, tuple[str, ...]]]


def cell_text(value) -> str:
    """A cell's value as text: numbers exactly, dates ISO, booleans as Excel shows them."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer():
            return NumberText(int(value))
        text = repr(value)
        if "e" in text or "E" in text:
            text = format(Decimal(text), "f")
        return NumberText(text)
    if isinstance(value, int):
        return NumberText(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if value is None:
        return ""
    return str(value)


def _sniff(path) -> None:
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(OLE2_SIGNATURE):
        raise WorkbookRefused(
            "This file is encrypted (password-protected) or an old binary Excel file. "
            "Remove the password and save it as an Excel Workbook (.xlsx).")
    if head.startswith(b"%PDF"):
        raise WorkbookRefused("This file is a PDF, not an Excel workbook (.xlsx).")
    if not head.startswith(b"PK\x03\x04"):
        raise WorkbookRefused("This file is not an Excel workbook (.xlsx).")


def _check_prolog(name: str, head: bytes) -> None:
    """Refuse DOCTYPE/ENTITY declarations, which can only stand before the root element."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="replace").encode()
    head = head.removeprefix(b"\xef\xbb\xbf")
    end = _PROLOG.match(head).end()
    if head[end:end + 2] == b"<!":
        raise WorkbookRefused(
            f"The workbook part {name} declares a DOCTYPE or entities, which workbooks never "
            "need (an XML entity bomb); the file is refused.")
    if end >= len(head) and len(head) >= PROLOG_BYTES:
        raise WorkbookRefused(f"The workbook part {name} has no readable XML content.")


def check_container(path) -> None:
    """Everything that must hold before a parser sees the file (R43)."""
    _sniff(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise WorkbookRefused("This file is not a readable Excel workbook (.xlsx).") from error
    with archive:
        infos = archive.infolist()
        names = {info.filename for info in infos}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            if "xl/workbook.bin" in names:
                raise WorkbookRefused("Binary workbooks (.xlsb) are not supported; save as .xlsx.")
            raise WorkbookRefused("This file is a zip archive but not an Excel workbook (.xlsx).")
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            raise WorkbookRefused("Macro-enabled workbooks (.xlsm) are refused; save as .xlsx.")
        if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED_BYTES:
            raise WorkbookRefused("This workbook decompresses to more than the accepted size "
                                  "(a zip bomb?); the file is refused.")
        for info in infos:
            if (info.file_size > RATIO_CHECKED_FROM
                    and info.file_size > MAX_RATIO * max(info.compress_size, 1)):
                raise WorkbookRefused(f"The workbook part {info.filename} is compressed "
                                      "suspiciously well (a zip bomb?); the file is refused.")
        content_types = archive.read("[Content_Types].xml")
        if any(marker in content_types for marker in MACRO_MARKERS):
            raise WorkbookRefused("Macro-enabled workbooks (.xlsm) are refused; save as .xlsx.")
        for info in infos:
            _verify_part(archive, info)


def _verify_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Decompress one part in chunks: bounded by its declared size and checked by CRC, so a
    part that lies about its size is caught here and never reaches the parser."""
    is_xml = info.filename.endswith((".xml", ".rels", ".vml"))
    try:
        with archive.open(info) as part:
            head = part.read(PROLOG_BYTES)
            if is_xml:
                _check_prolog(info.filename, head)
            while part.read(CHUNK):
                pass
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as error:
        raise WorkbookRefused(
            f"The workbook part {info.filename} cannot be read ({error}); the file is refused."
        ) from error


def open_sheet(path) -> Sheet:
    """Check the file, then open its one worksheet; the header is the first non-blank row."""
    check_container(path)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheets = workbook.sheets_metadata
        if len(sheets) != 1:
            raise WorkbookRefused(
                f"The workbook has {len(sheets)} worksheets; keep only the one to import.")
        sheet = workbook.get_sheet_by_index(0)
    except CalamineError as error:
        raise WorkbookRefused(f"This workbook cannot be read: {error}") from error
    except WorkbookRefused:
        raise
    except Exception as error:  # calamine raises plain errors for some malformed parts
        raise WorkbookRefused(f"This workbook cannot be read: {error}") from error
    if sheet.width > MAX_COLUMNS:
        raise WorkbookRefused(
            f"The worksheet has {sheet.width} columns; at most {MAX_COLUMNS} are accepted.")
    first_row = (sheet.start or (0, 0))[0] + 1
    rows = iter(sheet.iter_rows())
    header = None
    header_row = first_row
    for index, values in enumerate(rows):
        if any(str(value).strip() for value in values):
            header = tuple(cell_text(value).strip() for value in values)
            header_row = first_row + index
            break
    if header is None:
        raise WorkbookRefused("The worksheet is empty: it has no header row.")
    while header and not header[-1]:
        header = header[:-1]
    rows_total = max(sheet.height - (header_row - first_row) - 1, 0)
    return Sheet(header=header, header_row=header_row, rows_total=rows_total,
                 rows=_data_rows(rows, header_row))


def _data_rows(rows, header_row: int) -> Iterator[tuple[int, tuple[str, ...]]]:
    text = cell_text
    for offset, values in enumerate(rows, start=1):
        if offset > MAX_ROWS:
            raise WorkbookRefused(f"The worksheet has more than {MAX_ROWS:,} rows.")
        yield header_row + offset, tuple(
            value if type(value) is str else text(value) for value in values)
