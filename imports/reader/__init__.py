"""Opening an uploaded .xlsx safely and reading its cells as Excel shows them (R32-R34, R43).

The parts, in the order a file meets them:
- `package`: the container is checked for what it really is (zip, no macros, no encryption, no
  entity or zip bombs) and the worksheet found through the package's relationships; every part
  is decompressed once to verify it, and the worksheet is
- `scan`ned on the way (C-speed byte searches) for what python-calamine would read wrong;
- `fast`: plain sheets are read by python-calamine (the 100,000-row benchmark file: 0.8 s);
- `streaming`: the others by the reader's own expat parser (sparse, knows formulas, errors and
  number formats; ~10 times slower);
- `merges`: a merged range's value fills every cell it covers, whichever reader read it;
- `cells` and `formats`: what a cell shows as text.

What a cell gives, as text (R33, R34): a formula its cached value; numbers exactly ("123", never
"123.0"), with the zero padding of their number format (`000000`, `00000-0000`), dates ISO. A
cell Excel would show as an error, a formula never computed, or a number of more than 15 digits
(Excel keeps 15) gives "" and a problem naming the cell; such a row arrives as a `ProblemRow`.
A value past column GR refuses the file, naming the cell. Knows no ORM.
"""

from collections.abc import Iterator
from pathlib import Path

from imports.reader.base import (
    ERROR_VALUES,
    MAX_COLUMNS,
    MAX_ROWS,
    NumberText,
    Parsed,
    ProblemRow,
    Sheet,
    WorkbookRefused,
    titles,
)
from imports.reader.cells import cell_text, column_letter, number_text
from imports.reader.fast import FAST_CELLS, calamine_rows, grid_cells
from imports.reader.merges import Merges
from imports.reader.package import check_container
from imports.reader.streaming import careful_rows

__all__ = [
    "ERROR_VALUES",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "NumberText",
    "ProblemRow",
    "Sheet",
    "WorkbookRefused",
    "cell_text",
    "check_container",
    "column_letter",
    "number_text",
    "open_sheet",
]


def open_sheet(path: str | Path) -> Sheet:
    """Check the file, then open its one worksheet; the header is the first non-blank row."""
    package = check_container(path)
    # A grid far larger than the XML could fill is a sparse sheet: read it sparsely.
    limit = min(FAST_CELLS, 1_000_000 + package.sheet.file_size // 2)
    plain = not (package.careful - {"wide", "past O"}) and grid_cells(package) <= limit
    parsed = calamine_rows(package) if plain else None
    if parsed is None:
        plain, parsed = False, careful_rows(package)
    merges = Merges(package.merged, package.last_cell_row)
    if merges:
        parsed = merges.rows(parsed)
    header = None
    for row_no, cells, problems in parsed:
        if problems:
            column = min(problems)
            raise WorkbookRefused(
                f"The header cell {column_letter(column)}{row_no} cannot be "
                f"read: {problems[column]}."
            )
        if any(text.strip() for text in cells):
            header = tuple(text.strip() for text in cells)
            header_row = row_no
            break
    return Sheet(
        header=titles(header, "The worksheet is empty: it has no header row."),
        header_row=header_row,
        rows_total=max(package.last_cell_row - header_row, 0),
        rows=_data_rows(parsed),
    )


def _data_rows(parsed: Parsed) -> Iterator[tuple[int, tuple[str, ...]]]:
    """(row number, cells as text) of the rows below the header; a row with cells that have
    no value to read is a `ProblemRow`."""
    for row_no, cells, problems in parsed:
        if problems:
            width = max(max(problems) + 1, len(cells))
            cells = ProblemRow(cells + ("",) * (width - len(cells)))
            cells.problems = problems
        yield row_no, cells
