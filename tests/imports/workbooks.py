"""Real workbooks for the import tests, built with openpyxl (and zipfile for hostile ones)."""

import io
import zipfile
from pathlib import Path

from openpyxl import Workbook

from imports.columns import template_titles

BASIC = template_titles("basic")
FULL = template_titles("full")


def write_xlsx(path: Path, header: list, rows: list[list], *, extra_sheets: int = 0) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for index in range(extra_sheets):
        workbook.create_sheet(f"Other {index + 1}")
    workbook.save(path)
    return path


def customer(number, **fields) -> dict:
    """A basic-template row by title suffix: customer("100", City="Austin")."""
    values = {
        "Number": number,
        "Name 1": f"Customer {number}",
        "Address 1": "1 Main St",
        "City": "Austin",
        "State": "TX",
        "Country": "US",
        "Zip": "78701",
        "Email": f"ap{number}@example.com",
    }
    values.update({key.replace("_", " "): value for key, value in fields.items()})
    return values


def basic_rows(customers: list[dict], titles: list[str] = BASIC) -> list[list]:
    """Rows for `titles` from dicts keyed by title suffix; "Ship" is Shipping Customer State."""
    rows = []
    for values in customers:
        row = []
        for title in titles:
            if title == "Shipping Customer State":
                row.append(values.get("Ship", ""))
            else:
                row.append(values.get(title.removeprefix("Billing Customer "), ""))
        rows.append(row)
    return rows


def basic_file(path: Path, customers: list[dict], titles: list[str] = BASIC) -> Path:
    return write_xlsx(path, titles, basic_rows(customers, titles))


def full_file(path: Path, pairs: list[tuple[dict, dict | None]]) -> Path:
    """A full-template file from (billing, shipping) dicts keyed by title suffix."""
    rows = []
    for billing, shipping in pairs:
        row = []
        for title in FULL:
            side, suffix = title.split(" Customer ", 1)
            source = billing if side == "Billing" else (shipping or {})
            row.append(source.get(suffix, ""))
        rows.append(row)
    return write_xlsx(path, FULL, rows)


def rewrite_zip(
    source: Path,
    target: Path,
    *,
    replace: dict | None = None,
    add: dict | None = None,
    compress_level: int = 6,
) -> Path:
    """Copy a workbook's zip, replacing or adding parts (name -> bytes)."""
    replace, add = replace or {}, add or {}
    with (
        zipfile.ZipFile(source) as old,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=compress_level) as new,
    ):
        for info in old.infolist():
            data = replace.get(info.filename, old.read(info.filename))
            new.writestr(info.filename, data)
        for name, data in add.items():
            new.writestr(name, data)
    return target


def entity_bomb(tmp_path: Path) -> Path:
    plain = basic_file(tmp_path / "plain.xlsx", [customer("1")])
    with zipfile.ZipFile(plain) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    doctype = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    body = sheet.split(b"?>", 1)[1] if sheet.startswith(b"<?xml") else sheet
    return rewrite_zip(
        plain, tmp_path / "bomb.xlsx", replace={"xl/worksheets/sheet1.xml": doctype + body}
    )


def zip_bomb(tmp_path: Path, megabytes: int = 20) -> Path:
    plain = basic_file(tmp_path / "plain.xlsx", [customer("1")])
    return rewrite_zip(
        plain,
        tmp_path / "zipbomb.xlsx",
        compress_level=9,
        add={"xl/media/padding.bin": b"\0" * (megabytes * 1024 * 1024)},
    )


def macro_workbook(tmp_path: Path) -> Path:
    plain = basic_file(tmp_path / "plain.xlsx", [customer("1")])
    with zipfile.ZipFile(plain) as archive:
        types = archive.read("[Content_Types].xml")
    types = types.replace(b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml")
    return rewrite_zip(
        plain,
        tmp_path / "macros.xlsx",
        replace={"[Content_Types].xml": types},
        add={"xl/vbaProject.bin": b"VBA project"},
    )


def encrypted_workbook(tmp_path: Path) -> Path:
    path = tmp_path / "encrypted.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096)
    return path


def pdf_named_xlsx(tmp_path: Path) -> Path:
    path = tmp_path / "invoice.xlsx"
    path.write_bytes(b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    return path


def wide_workbook(tmp_path: Path, columns: int = 201) -> Path:
    header = BASIC + [f"Extra {i}" for i in range(columns - len(BASIC))]
    return write_xlsx(tmp_path / "wide.xlsx", header, [["1"] * columns])


def upload(path: Path, name: str | None = None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        name or path.name,
        path.read_bytes(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def xlsx_bytes(header: list, rows: list[list]) -> bytes:
    buffer = io.BytesIO()
    workbook = Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    workbook.save(buffer)
    return buffer.getvalue()
