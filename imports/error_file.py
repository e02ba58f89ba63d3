"""The uploaded workbook back with an "Errors" column (R38), for fixing and uploading again."""

import io
from collections import defaultdict

from openpyxl import Workbook

from imports.export import text_cell
from imports.reader import open_sheet
from imports.services import stored_file_path
from imports.templates import header_sheet


def write_error_file(batch) -> bytes:
    messages = defaultdict(list)
    for issue in batch.errors:
        messages[issue["row"]].append(f"{issue['column']}: {issue['message']}")
    with stored_file_path(batch.file.name) as path:
        sheet = open_sheet(path)
        workbook = Workbook(write_only=True)
        out = header_sheet(workbook, [*sheet.header, "Errors"])
        width = len(sheet.header)
        for row_no, cells in sheet.rows:
            cells = list(cells[:width]) + [""] * (width - len(cells))
            out.append([text_cell(out, value) for value in
                        (*cells, "; ".join(messages.get(row_no, [])))])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
