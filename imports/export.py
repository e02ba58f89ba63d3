"""Export a company's customers in either template (R42), streamed with openpyxl write-only.

Basic: one row per ship-to zone (one row when there is none). Full: one row per link (one row
with blank shipping columns for a customer without links). With descendants, a first column
`Company Code` routes each row back to its company on import. Every value is a text cell
(customers.xlsx: never a formula, always storable). Importing an export unchanged into the
company it came from changes nothing.
"""

from collections.abc import Iterator
from typing import IO

from django.db import connection
from openpyxl import Workbook

from customers.xlsx import text_cell
from imports.columns import COMPANY_CODE_TITLE, FIELD_NAMES, FULL, template_titles
from imports.schema import COLUMN, COMPANIES, CUSTOMERS, LINKS, ZONES
from imports.templates import header_sheet


def _columns(alias: str) -> str:
    """The template's customer columns of the customer `alias`, in template order."""
    return ", ".join(f"{alias}.{COLUMN[f]}" for f in FIELD_NAMES)


def _rows(company_ids: list[int], template: str, company_code: bool) -> Iterator[tuple]:
    pk, company, number = CUSTOMERS.id, CUSTOMERS.company, CUSTOMERS.number
    code = f"co.{COMPANIES.code}, " if company_code else ""
    companies = f"JOIN {COMPANIES} co ON co.{COMPANIES.id} = c.{company}" if company_code else ""
    if template == FULL:
        sql = f"""SELECT {code}{_columns("c")}, {_columns("s")} FROM {CUSTOMERS} c {companies}
                  LEFT JOIN {LINKS} k ON k.{LINKS.billing} = c.{pk}
                  LEFT JOIN {CUSTOMERS} s ON s.{pk} = k.{LINKS.shipping}
                  WHERE c.{company} = ANY(%s)
                    AND (k.{LINKS.id} IS NOT NULL OR NOT EXISTS (
                         SELECT 1 FROM {LINKS} o WHERE o.{LINKS.shipping} = c.{pk}))
                  ORDER BY c.{company}, c.{number}, s.{number}"""  # noqa: S608
    else:
        region = ZONES.region
        sql = f"""SELECT {code}{_columns("c")}, z.{region} FROM {CUSTOMERS} c {companies}
                  LEFT JOIN {ZONES} z ON z.{ZONES.customer} = c.{pk}
                  WHERE c.{company} = ANY(%s)
                  ORDER BY c.{company}, c.{number}, z.{region}"""  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [company_ids])
        while batch := cursor.fetchmany(2000):
            yield from batch


def export_customers(
    target: str | IO[bytes], *, company_ids: list[int], template: str, company_code: bool = False
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
