"""Cells of every .xlsx CertHub writes (R42, R49): customer exports and templates, the import's
error file, the exposure workbook. One place, so every writer succeeds on any stored value.

Text is written as text: a value starting with = + - or @ is a text cell marked as such
(quotePrefix), never a formula; a character an .xlsx cannot hold (one stored before R49) is
replaced by U+FFFD. Numbers are number cells and dates date cells, so reports can be summed and
sorted in Excel.
"""

import datetime
from decimal import Decimal

from django.utils import timezone
from openpyxl.cell import WriteOnlyCell

from companies.text import FORBIDDEN, storable

FORMULA_STARTS = ("=", "+", "-", "@")
DATE_FORMAT = "yyyy-mm-dd"


def text_cell(sheet, value: str):
    """A text cell of a write-only `sheet` (a plain str when nothing needs marking)."""
    if FORBIDDEN.search(value):
        value = storable(value)
    if value.startswith(FORMULA_STARTS):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell
    return value


def cell(sheet, value):
    """A cell of a write-only `sheet` for a value of any type: text (see `text_cell`), int,
    float and Decimal as numbers, booleans, dates and datetimes as date cells; None empty."""
    if isinstance(value, str):
        return text_cell(sheet, value)
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:  # .xlsx has no time zones: the wall time as shown
            value = timezone.localtime(value).replace(tzinfo=None)
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = f"{DATE_FORMAT} hh:mm"
        return cell
    if isinstance(value, datetime.date):
        # openpyxl writes dates (its stubs leave date out of a cell's values).
        cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]
        cell.number_format = DATE_FORMAT
        return cell
    return text_cell(sheet, str(value))


def row(sheet, values) -> list:
    """`cell` of each value, ready for `sheet.append`."""
    return [cell(sheet, value) for value in values]
