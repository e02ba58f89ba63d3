"""Demo data of imports (R46): an applied batch, made by running the engine on a generated
workbook of 20 rows (new customers with ship-to zones) in Acme Texas."""

import tempfile
from pathlib import Path

from openpyxl import Workbook

from imports.columns import template_titles
from imports.services import import_file

CITIES = [
    ("Austin", "TX", "78701"),
    ("Dallas", "TX", "75201"),
    ("Tulsa", "OK", "74103"),
    ("Santa Fe", "NM", "87501"),
    ("Little Rock", "AR", "72201"),
]


def _workbook(path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.worksheets[0]  # the one sheet of a new workbook
    sheet.append(template_titles("basic"))
    for n in range(1, 21):
        city, state, zip_code = CITIES[n % len(CITIES)]
        ship = CITIES[(n + 1) % len(CITIES)][1]
        sheet.append(
            [
                f"IMP-{n:03d}",
                "",
                "",
                f"Lone Star Supply {n}",
                "",
                "Accounts Payable",
                f"{100 + n} Commerce St",
                "",
                city,
                state,
                "US",
                zip_code,
                f"512-555-{n:04d}",
                "",
                f"ap{n}@lonestar.example.com",
                ship,
            ]
        )
    workbook.save(path)
    return path


def load(context) -> dict:
    company = context["companies"].get("ACME-TX") or next(iter(context["companies"].values()))
    with tempfile.TemporaryDirectory() as folder:
        path = _workbook(Path(folder) / "lone-star-customers.xlsx")
        result = import_file(
            path, tenant=context["tenant"], company=company, user=context["users"]["editor"]
        )
    return {"import_batch": result.batch}
