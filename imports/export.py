"""Export a company's customers in either template (R42), streamed with openpyxl write-only.

Basic: one row per ship-to zone (one row when there is none). Full: one row per link (one row
with blank shipping columns for a customer without links). With descendants, a first column
`Company Code` routes each row back to its company on import. Every value is a text cell
(customers.xlsx: never a formula, always storable). Importing an export unchanged into the
company it came from changes nothing.
"""

from django.db import connection
from openpyxl import Workbook

from customers.xlsx import text_cell
from imports.columns import COMPANY_CODE_TITLE, FIELD_NAMES, FULL, template_titles
from imports.templates import header_sheet

_COLUMNS = ", ".join(f"{{a}}.{f}" for f in FIELD_NAMES)


def _rows(company_ids: list[int], template: str, company_code: bool):
    columns = _COLUMNS.format(a="c")
    code = "co.code, " if company_code else ""
    companies = "JOIN companies_company co ON co.id = c.company_id" if company_code else ""
    if template == FULL:
        shipping = _COLUMNS.format(a="s")
        sql = f"""SELECT {code}{columns}, {shipping} FROM customers_customer c {companies}
                  LEFT JOIN customers_shiptolink k ON k.billing_id = c.id
                  LEFT JOIN customers_customer s ON s.id = k.shipping_id
                  WHERE c.company_id = ANY(%s)
                    AND (k.id IS NOT NULL OR NOT EXISTS (
                         SELECT 1 FROM customers_shiptolink o WHERE o.shipping_id = c.id))
                  ORDER BY c.company_id, c.number, s.number"""  # noqa: S608
    else:
        sql = f"""SELECT {code}{columns}, z.region FROM customers_customer c {companies}
                  LEFT JOIN customers_shiptozone z ON z.customer_id = c.id
                  WHERE c.company_id = ANY(%s)
                  ORDER BY c.company_id, c.number, z.region"""  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [company_ids])
        while batch := cursor.fetchmany(2000):
            yield from batch


def export_customers(
    target, *, company_ids: list[int], template: str, company_code: bool = False
) -> int:
    """Write the customers of the given companies to `target` (a path or file); returns rows.
    `company_code`: add the `Company Code` column (exports with descendants, R42)."""
    workbook = Workbook(write_only=True)
    titles = template_titles(template)
    sheet = header_sheet(workbook, [COMPANY_CODE_TITLE, *titles] if company_code else titles)
    count = 0
    for row in _rows(company_ids, template, company_code):
        sheet.append([text_cell(sheet, value or "") for value in row])
        count += 1
    workbook.save(target)
    return count
