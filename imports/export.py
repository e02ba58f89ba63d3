"""Export a company's customers in either template (R42), streamed with openpyxl write-only.

Basic: one row per ship-to zone (one row when there is none). Full: one row per link (one row
with blank shipping columns for a customer without links). Every value is a text cell; one that
starts with = + - or @ is marked as text (quotePrefix), so Excel never runs it as a formula.
Importing an export unchanged changes nothing.
"""

from django.db import connection
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from imports.columns import FIELD_NAMES, FULL, template_titles
from imports.templates import header_sheet

FORMULA_STARTS = ("=", "+", "-", "@")
_COLUMNS = ", ".join(f"{{a}}.{f}" for f in FIELD_NAMES)


def text_cell(sheet, value: str):
    if value and value.startswith(FORMULA_STARTS):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell
    return value


def _rows(company_ids: list[int], template: str):
    columns = _COLUMNS.format(a="c")
    if template == FULL:
        shipping = _COLUMNS.format(a="s")
        sql = f"""SELECT {columns}, {shipping} FROM customers_customer c
                  LEFT JOIN customers_shiptolink k ON k.billing_id = c.id
                  LEFT JOIN customers_customer s ON s.id = k.shipping_id
                  WHERE c.company_id = ANY(%s)
                    AND (k.id IS NOT NULL OR NOT EXISTS (
                         SELECT 1 FROM customers_shiptolink o WHERE o.shipping_id = c.id))
                  ORDER BY c.company_id, c.number, s.number"""  # noqa: S608
    else:
        sql = f"""SELECT {columns}, z.region FROM customers_customer c
                  LEFT JOIN customers_shiptozone z ON z.customer_id = c.id
                  WHERE c.company_id = ANY(%s)
                  ORDER BY c.company_id, c.number, z.region"""  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [company_ids])
        while batch := cursor.fetchmany(2000):
            yield from batch


def export_customers(target, *, company_ids: list[int], template: str) -> int:
    """Write the customers of the given companies to `target` (a path or file); returns rows."""
    workbook = Workbook(write_only=True)
    sheet = header_sheet(workbook, template_titles(template))
    count = 0
    for row in _rows(company_ids, template):
        sheet.append([text_cell(sheet, value or "") for value in row])
        count += 1
    workbook.save(target)
    return count
