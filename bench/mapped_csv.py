"""R58's bench file: the rows of a basic-template workbook as an accounting system's CSV export
(its own column titles, UTF-8, comma-separated), and the column mapping that reads it.

The cells are those CertHub reads from the workbook; a ZIP Excel stored as a number is written
as Excel shows it (zero-padded), as Excel's "Save as CSV" does. Cached beside the workbook.
"""

import csv
from pathlib import Path

from imports.columns import template_titles
from imports.reader import NumberText, open_sheet
from imports.rows import pad_zip

MAPPING_NAME = "Accounting export"
# An accounting export's titles (QuickBooks Desktop's customer fields) for the basic template.
EXPORT_TITLES = {
    "Billing Customer Number": "Account Number",
    "Billing Customer Alternate ID": "Internal ID",
    "Billing Customer FEIN": "Tax ID",
    "Billing Customer Name 1": "Customer",
    "Billing Customer Name 2": "Print On Check As",
    "Billing Customer Attn Name": "Contact",
    "Billing Customer Address 1": "Bill Address 1",
    "Billing Customer Address 2": "Bill Address 2",
    "Billing Customer City": "Bill City",
    "Billing Customer State": "Bill State",
    "Billing Customer Country": "Bill Country",
    "Billing Customer Zip": "Bill Zip",
    "Billing Customer Phone": "Phone",
    "Billing Customer Fax": "Fax",
    "Billing Customer Email": "Email",
    "Shipping Customer State": "Ship State",
}


def mapped_csv(workbook: Path) -> Path:
    """The workbook's rows as a CSV with EXPORT_TITLES, columns in another order."""
    target = workbook.with_suffix(".mapped.csv")
    if target.exists():
        return target
    sheet = open_sheet(workbook)
    titles = list(sheet.header)
    if titles != template_titles("basic"):
        raise ValueError(f"{workbook.name} is not a basic-template file")
    order = list(reversed(range(len(titles))))
    zip_at, country_at, state_at = (
        titles.index(f"Billing Customer {t}") for t in ("Zip", "Country", "State")
    )
    partial = target.with_suffix(".partial")
    with open(partial, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([EXPORT_TITLES[titles[i]] for i in order])
        for _, cells in sheet.rows:
            cells = list(cells) + [""] * (len(titles) - len(cells))
            if isinstance(cells[zip_at], NumberText):
                cells[zip_at] = (
                    pad_zip(cells[zip_at], cells[country_at], cells[state_at]) or cells[zip_at]
                )
            writer.writerow([cells[i] for i in order])
    partial.rename(target)
    return target


def save_mapping(company):
    """The company's mapping for the CSV's titles, as the mapping page proposes it."""
    from django_scopes import scope

    from imports.mapping import propose
    from imports.services import mapping_save

    header = [EXPORT_TITLES[t] for t in reversed(template_titles("basic"))]
    pairs = {
        title: header[index] if index is not None else ""
        for title, index in propose(header).items()
    }
    if pairs != EXPORT_TITLES:
        raise RuntimeError(f"the proposal does not pair the export's titles back: {pairs}")
    with scope(tenant=company.tenant_id):
        return mapping_save(
            company=company, user=None, name=MAPPING_NAME, header=header, pairs=pairs
        )
