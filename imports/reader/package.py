"""The container (R32, R43): a zip holding a workbook, with no macros, no encryption, no XML
DOCTYPE/ENTITY declarations (entity bombs) and sane decompressed sizes (zip bombs). The workbook is
found through the package's relationships (`_rels/.rels` -> officeDocument -> its worksheet),
whatever the part names (backslashes, no `xl/` folder) or the namespace (transitional or Strict
Open XML, any prefix). Every part is decompressed once to verify it; the worksheet is scanned on
the way (imports.reader.scan)."""

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from urllib.parse import unquote
from xml.etree import ElementTree

from imports.reader.base import PROLOG_BYTES, WorkbookRefused, local, not_xml
from imports.reader.formats import DATE_FORMAT_IDS, digit_pattern, is_date_format
from imports.reader.scan import scan

MAX_UNCOMPRESSED_BYTES = 1536 * 1024 * 1024  # all parts together, decompressed
MAX_RATIO = 250  # decompressed/compressed for a large part; real sheets stay far below
RATIO_CHECKED_FROM = 1024 * 1024  # small parts may compress very well and harmlessly
CHUNK = 1024 * 1024

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MACRO_MARKERS = (b"macroEnabled", b"vbaProject")
_PROLOG = re.compile(rb"(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.S)


def _sniff(path) -> None:
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(OLE2_SIGNATURE):
        raise WorkbookRefused(
            "This file is encrypted (password-protected) or an old binary Excel file. "
            "Remove the password and save it as an Excel Workbook (.xlsx)."
        )
    if head.startswith(b"%PDF"):
        raise WorkbookRefused("This file is a PDF, not an Excel workbook (.xlsx).")
    if not head.startswith(b"PK\x03\x04"):
        raise WorkbookRefused("This file is not an Excel workbook (.xlsx).")


def _check_prolog(name: str, head: bytes) -> None:
    """Refuse DOCTYPE/ENTITY declarations, which can only stand before the root element."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="replace").encode()
    head = head.removeprefix(b"\xef\xbb\xbf")
    prolog = _PROLOG.match(head)
    assert prolog is not None  # the pattern matches any text (its parts are all optional)
    end = prolog.end()
    if head[end : end + 2] == b"<!":
        raise WorkbookRefused(
            f"The workbook part {name} declares a DOCTYPE or entities, which workbooks never "
            "need (an XML entity bomb); the file is refused."
        )
    if end >= len(head) and len(head) >= PROLOG_BYTES:
        raise WorkbookRefused(f"The workbook part {name} has no readable XML content.")


def _part_name(name: str) -> str:
    """A part name as compared: forward slashes, no leading slash, case-insensitive (OPC)."""
    return name.replace("\\", "/").lstrip("/").casefold()


@dataclass
class Package:
    """Where the parts of the one worksheet are, found through the relationships."""

    path: str
    sheet: zipfile.ZipInfo
    shared_strings: zipfile.ZipInfo | None
    styles: zipfile.ZipInfo | None
    date1904: bool = False
    recalculated_on_open: bool = False  # calcPr fullCalcOnLoad: cached values were not computed
    merged: list[str] = field(default_factory=list)  # "A2:A4" references
    # What the scan of the worksheet's XML found that python-calamine cannot read right.
    careful: set[str] = field(default_factory=set)
    last_cell_row: int = 0  # the row of the last cell with content
    formula_marks: tuple | None = None  # see imports.reader.scan
    formulas: bool = False
    main_declarations: int = 0  # of the main namespace: more than one could change prefixes
    styles_map: dict[str, tuple[str, ...]] = field(default_factory=dict)  # see `_read_styles`


class _Zip:
    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.parts = {_part_name(info.filename): info for info in archive.infolist()}

    def get(self, name: str) -> zipfile.ZipInfo | None:
        return self.parts.get(_part_name(name))

    def xml(self, info: zipfile.ZipInfo) -> ElementTree.Element:
        """A small part (relationships, workbook, styles), already checked for DOCTYPEs."""
        try:
            return ElementTree.fromstring(self.archive.read(info))  # noqa: S314 (prolog checked)
        except (ElementTree.ParseError, LookupError, ValueError) as error:
            raise not_xml(info.filename, error) from error

    def relationships(self, source: str) -> list[tuple[str, zipfile.ZipInfo | None, str]]:
        """(type suffix such as 'worksheet', target part or None, target name) of a part."""
        return [(kind, info, name) for _, kind, info, name in _relationship_elements(self, source)]


def check_container(path) -> Package:
    """Everything that must hold before the worksheet is parsed (R43); where its parts are."""
    _sniff(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise WorkbookRefused("This file is not a readable Excel workbook (.xlsx).") from error
    with archive:
        package = _Zip(archive)
        infos = archive.infolist()
        types_part = package.get("[Content_Types].xml")
        if types_part is None:
            raise WorkbookRefused(
                "This file is a zip archive but not an Excel workbook (.xlsx): "
                "it has no [Content_Types].xml part."
            )
        if any(name.endswith("vbaproject.bin") for name in package.parts):
            raise WorkbookRefused("Macro-enabled workbooks (.xlsm) are refused; save as .xlsx.")
        if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED_BYTES:
            raise WorkbookRefused(
                "This workbook decompresses to more than the accepted size "
                "(a zip bomb?); the file is refused."
            )
        for info in infos:
            if info.file_size > RATIO_CHECKED_FROM and info.file_size > MAX_RATIO * max(
                info.compress_size, 1
            ):
                raise WorkbookRefused(
                    f"The workbook part {info.filename} is compressed "
                    "suspiciously well (a zip bomb?); the file is refused."
                )
        content_types = archive.read(types_part)
        if any(marker in content_types for marker in MACRO_MARKERS):
            raise WorkbookRefused("Macro-enabled workbooks (.xlsm) are refused; save as .xlsx.")
        for info in infos:  # every XML part's prolog, before any of them is parsed
            _check_part_prolog(archive, info)
        found = _find_parts(package, str(path))
        found.styles_map = _read_styles(package, found)
        if any(style[0] == "pattern" for style in found.styles_map.values()):
            # A style showing numbers by a digit pattern: the sheet is read carefully whether
            # or not its cells use it (searching for `s="3"` would miss `s = '3'`).
            found.careful.add("number format")
        for info in infos:
            _verify_part(archive, info, found if info is found.sheet else None)
    return found


def _find_parts(package: _Zip, path: str) -> Package:
    """The workbook through `_rels/.rels`, then its one worksheet and its helper parts."""
    documents = [
        (info, name) for kind, info, name in package.relationships("") if kind == "officeDocument"
    ]
    if not documents:
        raise WorkbookRefused(
            "This file is a zip archive but not an Excel workbook (.xlsx): "
            "its relationships (_rels/.rels) name no main document."
        )
    workbook, workbook_name = documents[0]
    if workbook_name.casefold().endswith(".bin"):
        raise WorkbookRefused("Binary workbooks (.xlsb) are not supported; save as .xlsx.")
    if workbook is None:
        raise WorkbookRefused(
            f"The workbook part {workbook_name}, named by the package's "
            "relationships, is missing from the file; the file is refused."
        )
    root = package.xml(workbook)
    if local(root.tag) != "workbook":
        raise WorkbookRefused(
            f"This file is not an Excel workbook (.xlsx): its main part "
            f"{workbook.filename} is a {local(root.tag)!r} document."
        )
    sheets, date1904, recalculated = [], False, False
    for element in root.iter():
        name = local(element.tag)
        if name == "sheet":
            rel_id = next(
                (
                    value
                    for key, value in element.attrib.items()
                    if local(key) == "id" and key.startswith("{")
                ),
                None,
            )
            sheets.append((element.get("name", ""), rel_id))
        elif name == "workbookPr":
            date1904 = element.get("date1904", "0").lower() in ("1", "true")
        elif name == "calcPr":
            recalculated = element.get("fullCalcOnLoad", "0").lower() in ("1", "true")
    if len(sheets) != 1:
        raise WorkbookRefused(
            f"The workbook has {len(sheets)} worksheets; keep only the one to import."
        )
    targets = {rel_id: rest for rel_id, *rest in _relationship_elements(package, workbook.filename)}
    sheet_name, rel_id = sheets[0]
    kind, sheet, target = targets.get(rel_id, (None, None, None))
    if sheet is None:
        raise WorkbookRefused(
            f'The worksheet "{sheet_name}" is missing from the file '
            f"({target or 'no part is named for it'}); the file is refused."
        )
    if kind != "worksheet":
        raise WorkbookRefused(
            f'The sheet "{sheet_name}" is a {kind}, not a worksheet of cells; the file is refused.'
        )
    helpers = {kind: info for kind, info, _ in package.relationships(workbook.filename)}
    return Package(
        path=path,
        sheet=sheet,
        shared_strings=helpers.get("sharedStrings"),
        styles=helpers.get("styles"),
        date1904=date1904,
        recalculated_on_open=recalculated,
    )


def _relationship_elements(package: _Zip, source: str):
    """(id, type suffix, part, target name) of a part's relationships."""
    folder, base = posixpath.split(source.replace("\\", "/").lstrip("/"))
    info = package.get(posixpath.join(folder, "_rels", base + ".rels"))
    if info is None:
        return
    for element in package.xml(info):
        if local(element.tag) != "Relationship" or element.get("TargetMode") == "External":
            continue
        target = unquote(element.get("Target", "")).replace("\\", "/")
        name = (
            target.lstrip("/")
            if target.startswith("/")
            else posixpath.normpath(posixpath.join(folder, target))
        )
        kind = element.get("Type", "").rstrip("/").rsplit("/", 1)[-1]
        yield element.get("Id"), kind, package.get(name), name


def _check_part_prolog(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
        return
    try:
        with archive.open(info) as part:
            _check_prolog(info.filename, part.read(PROLOG_BYTES))
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as error:
        raise WorkbookRefused(
            f"The workbook part {info.filename} cannot be read ({error}); the file is refused."
        ) from error


def _verify_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: Package | None) -> None:
    """Decompress one part in chunks: bounded by its declared size and checked by CRC, so a
    part that lies about its size is caught here and never reaches the parser. The worksheet is
    scanned on the way (see `scan`)."""
    tail = b""
    try:
        with archive.open(info) as part:
            while chunk := part.read(CHUNK):
                if sheet is not None:
                    tail = scan(sheet, tail, chunk)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as error:
        raise WorkbookRefused(
            f"The workbook part {info.filename} cannot be read ({error}); the file is refused."
        ) from error
    if sheet is not None:
        sheet.merged = list(dict.fromkeys(sheet.merged))
        if sheet.formulas and sheet.main_declarations != 1:
            sheet.careful.add("formula")


def _read_styles(zip_: _Zip, package: Package) -> dict[str, tuple[str, ...]]:
    """By a cell's `s` attribute: ("date",) or ("pattern", show) for the formats that change
    the text of a number; General and other formats are absent."""
    if package.styles is None:
        return {}
    root = zip_.xml(package.styles)
    codes = {}
    for element in root.iter():
        if local(element.tag) == "numFmt":
            codes[element.get("numFmtId")] = element.get("formatCode", "")
    styles: dict[str, tuple[str, ...]] = {}
    for element in root.iter():
        if local(element.tag) != "cellXfs":
            continue
        for index, xf in enumerate(child for child in element if local(child.tag) == "xf"):
            format_id = xf.get("numFmtId", "0")
            code = codes.get(format_id)
            if code is None:
                if format_id.isdigit() and int(format_id) in DATE_FORMAT_IDS:
                    styles[str(index)] = ("date",)
                continue
            if is_date_format(code):
                styles[str(index)] = ("date",)
            elif (show := digit_pattern(code)) is not None:
                styles[str(index)] = ("pattern", show)
        break
    return styles
