"""The two downloadable templates (R31): one worksheet, the header row with the exact titles,
frozen, with widths that fit the titles. Nothing else."""

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from customers.xlsx import text_cell
from imports.columns import template_titles

_BOLD = Font(bold=True)


def header_sheet(workbook: Workbook, titles: list[str], *, header_row: int = 1):
    """The one sheet of a write-only `workbook` with the header row in bold at `header_row`
    (blank rows above it), frozen below it, widths to fit the titles."""
    sheet = workbook.create_sheet("Customers")
    for index, title in enumerate(titles, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(len(title) + 2, 14)
    sheet.freeze_panes = f"A{header_row + 1}"
    for _ in range(header_row - 1):
        sheet.append([])
    sheet.append([_bold(sheet, title) for title in titles])
    return sheet


def _bold(sheet, title: str) -> Cell:
    value = text_cell(sheet, title)
    cell = value if isinstance(value, Cell) else WriteOnlyCell(sheet, value=value)
    cell.font = _BOLD
    return cell


def template_bytes(kind: str) -> bytes:
    workbook = Workbook(write_only=True)
    header_sheet(workbook, template_titles(kind))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
