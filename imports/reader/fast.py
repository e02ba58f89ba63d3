"""The fast path: python-calamine (Rust) reads plain sheets, those whose scan found no formula
without a computed value, no error cell, no digit-pattern number format, and a grid it can lay
out in bounded memory (imports.reader.scan); formulas with computed values are plain, calamine
reads those values. It lays every sheet out as a dense grid (a value in A1
and one in GR1048576 took 6.4 GB; one in XFD1048576 aborted the process), reads a formula without
a computed value and an error cell as blank, and knows no number formats: hence the scan."""

from typing import cast

from python_calamine import CalamineWorkbook

from imports.reader.base import MAX_COLUMNS, MAX_ROWS, Parsed, WorkbookRefused
from imports.reader.cells import cell_text, too_many_digits
from imports.reader.package import Package

FAST_CELLS = 16_000_000  # python-calamine's dense grid: about 30 bytes a cell


def calamine_rows(package: Package) -> Parsed | None:
    """The worksheet through python-calamine (fast), for sheets the scan found plain: no
    formulas, errors or digit-pattern formats, and a grid that stays small. None when calamine
    cannot open a layout the streaming parser can (which then reads it)."""
    try:
        sheet = CalamineWorkbook.from_path(package.path).get_sheet_by_index(0)
    except Exception:
        return None
    if sheet.width > MAX_COLUMNS:
        raise WorkbookRefused(
            f"The worksheet has {sheet.width} columns; at most {MAX_COLUMNS} are accepted."
        )
    return _calamine_cells(sheet)


def _calamine_cells(sheet) -> Parsed:
    # `iter_rows` yields every row from row 1 (blank rows above the data included) but only
    # the columns from the first one with data: rows count from 1, columns are padded.
    _first_row, first_column = sheet.start or (0, 0)
    pad = ("",) * first_column
    text = cell_text
    for row_no, values in enumerate(sheet.iter_rows(), start=1):
        cells = tuple(value if type(value) is str else text(value) for value in values)
        if pad:
            cells = pad + cells
        if None in cells:  # a number of more than 15 digits
            problems = {
                i: too_many_digits(_digits(values[i - first_column]))
                for i, cell in enumerate(cells)
                if cell is None
            }
            yield row_no, tuple("" if cell is None else cell for cell in cells), problems
        else:
            yield row_no, cast(tuple[str, ...], cells), None  # no None: checked above


def _digits(value) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def grid_cells(package: Package) -> int:
    """An upper bound of the cells python-calamine would lay out for the worksheet."""
    careful = package.careful  # from the scan: references past ZZ are read carefully anyway
    width = 702 if "wide" in careful else 26 if "past O" in careful else 15
    return width * (package.last_cell_row or MAX_ROWS)
