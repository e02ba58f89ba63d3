"""What the parts of the reader share: the limits, the refusal and the shapes of rows (R32-R34,
R43). Knows no ORM."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from xml.parsers import expat

from certhub.errors import DomainError

MAX_COLUMNS = 200
MAX_ROWS = 1_048_576  # Excel's sheet limit (R40)
MAX_DIGITS = 15  # Excel keeps 15 significant digits of a number
PROLOG_BYTES = 64 * 1024  # bytes before the root element that may declare a DOCTYPE
CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")

# The two SpreadsheetML namespaces: transitional (ECMA) and Strict Open XML (ISO).
MAIN_NAMESPACES = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
ERROR_VALUES = (
    "#NULL!",
    "#DIV/0!",
    "#VALUE!",
    "#REF!",
    "#NAME?",
    "#NUM!",
    "#N/A",
    "#GETTING_DATA",
    "#SPILL!",
    "#CALC!",
    "#FIELD!",
    "#BLOCKED!",
    "#CONNECT!",
    "#BUSY!",
    "#UNKNOWN!",
    "#EXTERNAL!",
    "#PYTHON!",
)
NO_VALUE = "the formula has no computed value; open the file in Excel and save it again"


class WorkbookRefused(DomainError):
    """The file is refused whole (R32, R43); the message tells the user why."""


class NumberText(str):
    """Text of a cell Excel stored as a number (R34 pads such ZIP codes)."""

    __slots__ = ()


class ProblemRow(tuple):
    """A row with cells that cannot be read as a value: `problems` is {column index: message}
    (the cell's text is ""). Other rows are plain tuples."""

    problems: dict[int, str]


@dataclass
class Sheet:
    """An opened worksheet (or CSV file): its titles and an iterator of its data rows."""

    header: tuple[str, ...]
    header_row: int
    rows_total: int  # data rows below the header, estimated before reading (for progress)
    rows: Iterator[tuple[int, tuple[str, ...]]]


def titles(header: tuple[str, ...] | None, empty: str) -> tuple[str, ...]:
    """The header row's titles without its blank titles at the end (R32); refused with the
    message `empty` when the file has no header row."""
    if header is None:
        raise WorkbookRefused(empty)
    while header and not header[-1]:
        header = header[:-1]
    return header


# (row number, cells as text, {column index: problem} or None) as a reader yields them.
ParsedRow = tuple[int, tuple[str, ...], dict[int, str] | None]
Parsed = Iterator[ParsedRow]


def not_xml(name: str, error: Exception) -> WorkbookRefused:
    """A part expat cannot read: malformed XML, or an encoding it does not know."""
    detail = (
        f"{expat.errors.messages[error.code]}, line {error.lineno}"
        if isinstance(error, expat.ExpatError)
        else str(error)
    )
    return WorkbookRefused(
        f"The workbook part {name} is not well-formed XML ({detail}); the file is refused."
    )


def local(tag: str) -> str:
    """An XML tag without its namespace (`{uri}sheet` -> `sheet`)."""
    return tag.rsplit("}", 1)[-1]
