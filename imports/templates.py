"""The two downloadable templates (R31): one worksheet, the header row with the exact titles,
frozen, with widths that fit the titles. Nothing else."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from imports.columns import template_titles


def header_sheet(workbook: Workbook, titles: list[str]):
    """The workbook's one sheet with the header row, frozen, widths to fit (write-only too)."""
    sheet = workbook.active if not workbook.write_only else workbook.create_sheet("Customers")
    sheet.title = "Customers"
    for index, title in enumerate(titles, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(len(title) + 2, 14)
    sheet.freeze_panes = "A2"
    if workbook.write_only:
        sheet.append(titles)
    else:
        sheet.append(titles)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    return sheet


def template_bytes(kind: str) -> bytes:
    workbook = Workbook()
    header_sheet(workbook, template_titles(kind))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
