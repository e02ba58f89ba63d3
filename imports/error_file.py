"""The uploaded workbook (or CSV, R58, written back as a workbook) for fixing (R38): its rows
and columns where they were, a `CertHub Errors` column with each row's errors (CertHub's own
title, ignored when the file is uploaded again), and each faulty cell filled and carrying its
messages as a comment."""

import io
from collections import defaultdict

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from companies.text import FORBIDDEN, storable
from customers.xlsx import text_cell
from imports.columns import ERRORS_TITLE, normalise_title
from imports.csv_reader import open_table
from imports.reader import NumberText
from imports.rows import ERROR
from imports.services import stored_file_path
from imports.templates import header_sheet

# A cell the import could not read (an error value, a formula never computed) goes back as an
# error value, so that the file uploaded as it is reports it again instead of erasing (R33).
UNREADABLE = "#N/A"
FAULT_FILL = PatternFill(fill_type="solid", fgColor="FFFFC7CE")  # Excel's "Bad" red
AUTHOR = "CertHub"


def write_error_file(batch) -> bytes:
    """The .xlsx bytes of the batch's stored file with its row errors marked."""
    by_row = defaultdict(list)  # row number -> [(column title, message)]
    for issue in batch.errors:
        if issue.get("level", ERROR) == ERROR:
            by_row[issue["row"]].append((issue["column"], issue["message"]))
    with stored_file_path(batch.file.name) as path:
        sheet = open_table(path, name=batch.original_name)
        width = len(sheet.header)
        index_of = {normalise_title(title): i for i, title in enumerate(sheet.header)}
        workbook = Workbook(write_only=True)
        out = header_sheet(workbook, [*sheet.header, ERRORS_TITLE], header_row=sheet.header_row)
        written = sheet.header_row
        for row_no, cells in sheet.rows:
            for _ in range(row_no - written - 1):  # rows the reader skipped stay where they were
                out.append([])
            problems = getattr(cells, "problems", {})  # cells with no value to read
            values = [
                UNREADABLE if i in problems else _value(out, v) for i, v in enumerate(cells[:width])
            ] + [None] * (width - len(cells))
            out.append(_mark(out, values, by_row.get(row_no, []), index_of))
            written = row_no
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _value(sheet, value: str):
    """A cell as it was read: a number stays a number (R34 pads ZIPs read from numbers), text
    that only looks like one (`000042`) stays text."""
    if not value:
        return None
    if isinstance(value, NumberText):
        for kind, show in ((int, str), (float, repr)):
            try:
                number = kind(value)
            except ValueError:
                continue
            if show(number) == value:
                return number
    return text_cell(sheet, escaped(value))


def escaped(text: str) -> str:
    """`text` with each character an .xlsx cannot hold written as Excel's escape `_xHHHH_`
    (U+000B -> `_x000B_`), which both readers decode back (R49): the file uploaded again as it
    is refuses the cell again, instead of importing a U+FFFD in its place."""
    return FORBIDDEN.sub(lambda match: f"_x{ord(match.group()):04X}_", text)


def _mark(sheet, cells: list, faults: list[tuple[str, str]], index_of: dict) -> list:
    """The row with its faulty cells filled and commented, and the errors column."""
    if not faults:
        return [*cells, None]
    notes = defaultdict(list)  # cell index -> messages; the errors column for unplaced ones
    for titles, message in faults:
        found = [
            index_of[key] for key in map(normalise_title, titles.split(", ")) if key in index_of
        ]
        for index in found or [len(cells)]:
            notes[index].append(message if found else f"{titles}: {message}")
    summary = "\n".join(f"{titles}: {message}" for titles, message in faults)
    row = [*cells, text_cell(sheet, summary)]
    for index, messages in notes.items():
        row[index] = _faulty(sheet, row[index], "\n".join(dict.fromkeys(messages)))
    return row


def _faulty(sheet, value, message: str) -> Cell:
    """`value` (a plain value or a cell from `text_cell`) filled, with `message` attached."""
    cell = value if isinstance(value, Cell) else WriteOnlyCell(sheet, value=value)
    cell.fill = FAULT_FILL
    cell.comment = Comment(storable(message), AUTHOR, height=120, width=320)
    return cell
