"""Opening an uploaded .xlsx safely and reading its cells as Excel shows them (R32-R34, R43).

Before any parsing the file is checked for what it really is: a zip holding a workbook, with no
macros, no encryption, no XML DOCTYPE/ENTITY declarations (entity bombs) and sane decompressed
sizes (zip bombs). The workbook is then found through the package's relationships
(`_rels/.rels` -> officeDocument -> its worksheet), whatever the part names (backslashes, no
`xl/` folder) or the namespace (transitional or Strict Open XML, any prefix).

Two readers, chosen by a scan of the worksheet's XML made while its bytes are verified anyway
(C-speed byte searches only, `_scan`):
- python-calamine (Rust) reads plain sheets: no formula without a computed value, no error
  cell, no digit-pattern number format, and a grid it can lay out in bounded memory (formulas
  with computed values are plain: calamine reads those values). It is fast (the 100,000-row
  benchmark file: 0.8 s) but lays every sheet out as a dense grid (a value in A1 and one in
  GR1048576 took 6.4 GB; one in XFD1048576 aborted the process), reads a formula without a
  computed value and an error cell as blank, and knows no number formats.
- this module's own streaming parser (expat) reads the rest: row by row, sparse (memory of one
  row plus the shared strings, whatever the references), knowing formulas, errors, number
  formats and merged ranges. It is the one place that knows what a cell shows; it is ~10 times
  slower than calamine (the same 100,000 rows: ~13 s), so it is not used for every sheet.
  (Tried first for every sheet; also tried with closures instead of methods: no faster, the
  cost is one Python call per element.)
The scan costs ~0.3 s of CPU on that benchmark file (74 MB of sheet XML).

What a cell gives, as text (R33, R34): a formula its cached value; numbers exactly ("123", never
"123.0"), with the zero padding of their number format (`000000`, `00000-0000`), dates ISO. A
cell Excel would show as an error, a formula never computed, or a number of more than 15 digits
(Excel keeps 15) gives "" and a problem naming the cell; such a row arrives as a `ProblemRow`.
A merged range's value is in every cell it covers. A value past column GR refuses the file,
naming the cell. Knows no ORM.
"""

import datetime
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from urllib.parse import unquote
from xml.etree import ElementTree
from xml.parsers import expat

from python_calamine import CalamineWorkbook

MAX_COLUMNS = 200
MAX_ROWS = 1_048_576  # Excel's sheet limit (R40)
MAX_UNCOMPRESSED_BYTES = 1536 * 1024 * 1024  # all parts together, decompressed
MAX_RATIO = 250  # decompressed/compressed for a large part; real sheets stay far below
RATIO_CHECKED_FROM = 1024 * 1024  # small parts may compress very well and harmlessly
MAX_SHARED_TEXT = 256 * 1024 * 1024  # characters of all shared strings together
PROLOG_BYTES = 64 * 1024
CHUNK = 1024 * 1024
PARSE_CHUNK = 256 * 1024  # bytes of sheet XML parsed between yields of the rows read
MAX_DIGITS = 15  # Excel keeps 15 significant digits of a number

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MACRO_MARKERS = (b"macroEnabled", b"vbaProject")
_PROLOG = re.compile(rb"(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.S)
_MERGE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]*?\bref\s*=\s*[\"']([^\"']+)[\"']")
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")

# The two SpreadsheetML namespaces: transitional (ECMA) and Strict Open XML (ISO).
MAIN_NAMESPACES = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
REL_NAMESPACE = "http://schemas.openxmlformats.org/package/2006/relationships"
ERROR_VALUES = (
    "#NULL!",
    "#DIV/0!",
    "#VALUE!",
    "#REF!",
    "#NAME?",
    "#NUM!",
    "#N/A",
    "#GETTING_DATA",
    "#SPILL!",
    "#CALC!",
    "#FIELD!",
    "#BLOCKED!",
    "#CONNECT!",
    "#BUSY!",
    "#UNKNOWN!",
    "#EXTERNAL!",
    "#PYTHON!",
)
NO_VALUE = "the formula has no computed value; open the file in Excel and save it again"
# Built-in number formats that show dates or times (ECMA-376 18.8.30 and the East Asian ones).
_DATE_FORMAT_IDS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])


class WorkbookRefused(Exception):
    """The file is refused whole (R32, R43); the message tells the user why."""


class NumberText(str):
    """Text of a cell Excel stored as a number (R34 pads such ZIP codes)."""

    __slots__ = ()


class ProblemRow(tuple):
    """A row with cells that cannot be read as a value: `problems` is {column index: message}
    (the cell's text is ""). Other rows are plain tuples."""

    problems: dict[int, str]


@dataclass
class Sheet:
    header: tuple[str, ...]
    header_row: int
    rows_total: int  # data rows below the header, estimated before reading (for progress)
    rows: Iterator[tuple[int, tuple[str, ...]]]


# --- the container -----------------------------------------------------------------------------


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
    end = _PROLOG.match(head).end()
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
    formula_marks: tuple | None = None  # see `_formula_marks`
    formulas: bool = False
    main_declarations: int = 0  # of the main namespace: more than one could change prefixes
    styles_map: dict = field(default_factory=dict)  # see `_read_styles`


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
            raise _not_xml(info.filename, error) from error

    def relationships(self, source: str) -> list[tuple[str, zipfile.ZipInfo | None, str]]:
        """(type suffix such as 'worksheet', target part or None, target name) of a part."""
        return [(kind, info, name) for _, kind, info, name in _relationship_elements(self, source)]


def _not_xml(name: str, error: Exception) -> WorkbookRefused:
    """A part expat cannot read: malformed XML, or an encoding it does not know."""
    if isinstance(error, expat.ExpatError):
        error = f"{expat.errors.messages[error.code]}, line {error.lineno}"
    return WorkbookRefused(
        f"The workbook part {name} is not well-formed XML ({error}); the file is refused."
    )


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


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
        if package.get("[Content_Types].xml") is None:
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
        content_types = archive.read(package.get("[Content_Types].xml"))
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
    if _local(root.tag) != "workbook":
        raise WorkbookRefused(
            f"This file is not an Excel workbook (.xlsx): its main part "
            f"{workbook.filename} is a {_local(root.tag)!r} document."
        )
    sheets, date1904, recalculated = [], False, False
    for element in root.iter():
        name = _local(element.tag)
        if name == "sheet":
            rel_id = next(
                (
                    value
                    for key, value in element.attrib.items()
                    if _local(key) == "id" and key.startswith("{")
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
        if _local(element.tag) != "Relationship" or element.get("TargetMode") == "External":
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
    scanned on the way (see `_scan`)."""
    tail = b""
    try:
        with archive.open(info) as part:
            while chunk := part.read(CHUNK):
                if sheet is not None:
                    tail = _scan(sheet, tail, chunk)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as error:
        raise WorkbookRefused(
            f"The workbook part {info.filename} cannot be read ({error}); the file is refused."
        ) from error
    if sheet is not None:
        sheet.merged = list(dict.fromkeys(sheet.merged))
        if sheet.formulas and sheet.main_declarations != 1:
            sheet.careful.add("formula")


# Capitals, digits and both quotes folded, so one search finds a reference however its
# attribute is written (`r="XFD1"`, `r = 'XFD1'`).
_LETTERS_DIGITS = bytes.maketrans(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'", b"A" * 26 + b"0" * 10 + b'"'
)
_PAST_O = bytes.maketrans(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'", b"a" * 15 + b"Z" * 11 + b"0" * 10 + b'"'
)
_LAST_REF = re.compile(rb"""\br="\$?[A-Za-z]{0,3}\$?(\d{1,7})\"""")


_ROOT = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?worksheet[\s>]")
_MAIN_URIS = tuple(uri.encode() for uri in MAIN_NAMESPACES)


def _formula_marks(head: bytes, recalculated: bool) -> tuple[tuple[bytes, ...], tuple[bytes, ...]]:
    """(what shows a formula, what shows a formula without a computed value) in this sheet's
    XML, written with the prefix its root element gives the main namespace. A formula: `f>`
    (ends every formula element, whatever its prefix) or `<f` (starts a self-closed one, such
    as a shared formula's). Without a value: a formula or an empty value as the cell's last
    child (`</f></c>`, `<f .../></c>`, `<v/></c>`, `<v></v>`), XlsxWriter's `<v>0</v>` in a
    workbook to be recalculated on opening, and whitespace between tags (indented XML, where
    these could hide). Formulas with computed values are read by calamine, which reads the
    values. No root element found: every sheet is read carefully."""
    root = _ROOT.search(head, 0, PROLOG_BYTES)
    if root is None:
        return (b"",), (b"",)
    p = (root.group(1) + b":") if root.group(1) else b""
    marks = (
        b"</" + p + b"f></" + p + b"c>",
        b"/></" + p + b"c>",
        b"<" + p + b"v></" + p + b"v>",
        b">\n",
        b">\r",
        b">\t",
        b"> <",
    )
    if recalculated:
        marks += (b"</" + p + b"f><" + p + b"v>0</" + p + b"v>",)
    return (b"f>", b"<" + p + b"f"), marks


def _scan(sheet: Package, tail: bytes, chunk: bytes) -> bytes:
    """Note, with C-speed searches only, what the worksheet holds that python-calamine would
    read wrong: formulas without a computed value (`_formula_marks`; or any formula when the
    main namespace is declared more than once, which could give cells another prefix), error
    cells and references past column ZZ, Z or O (however the attribute is quoted or spaced);
    its merged ranges (after the cells) and the row of its last cell with content. A chunk ends
    anywhere, so the seam with the previous one (`tail`) is searched too; returns the new
    tail."""
    careful = sheet.careful
    if sheet.formula_marks is None:
        sheet.formula_marks = _formula_marks(chunk, sheet.recalculated_on_open)
    formula, no_value = sheet.formula_marks
    seam = tail[-128:] + chunk[:128] if tail else b""  # counted twice at worst: read carefully
    for window in (seam, chunk):
        sheet.main_declarations += sum(window.count(uri) for uri in _MAIN_URIS)
    for window in (tail + chunk[:64], chunk):
        if any(mark in window for mark in formula):
            sheet.formulas = True
            if any(mark in window for mark in no_value):
                careful.add("formula")
        letters = window.translate(_LETTERS_DIGITS)
        if b'"e"' in letters:  # t="e", t = 'e': an error cell
            careful.add("error")
        if b'"AA' in letters:  # a value of two capitals or more: maybe a far reference
            if b'"AAA0' in letters:
                careful.add("far column")
            if b'"AA0' in letters:
                careful.add("wide")
        if "past O" not in careful and b'"Z0' in window.translate(_PAST_O):
            careful.add("past O")
        if b"mergeCell" in window:
            sheet.merged.extend(ref.decode("ascii", "replace") for ref in _MERGE.findall(window))
    window = tail + chunk
    end = window.rfind(b"c>")
    if end >= 0:
        refs = _LAST_REF.findall(window, max(end - 4096, 0), end)
        sheet.last_cell_row = int(refs[-1]) if refs else MAX_ROWS
    return chunk[-512:]


# --- cells -------------------------------------------------------------------------------------


def column_letter(index: int) -> str:
    """'A' for 0, 'AB' for 27."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index - 1


def _unescape(text: str) -> str:
    """Excel writes characters XML cannot hold as `_xHHHH_` (`_x005F_` is an underscore)."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def number_text(raw: str) -> str | None:
    """The text Excel shows for a stored number in the General format: exact, no ".0", no
    exponent; None when it has more than 15 significant digits (Excel would show zeros)."""
    if raw.isdigit():
        stripped = raw.lstrip("0") or "0"
        return NumberText(stripped) if len(stripped) <= MAX_DIGITS else None
    try:
        number = Decimal(raw.strip())
    except InvalidOperation:
        return NumberText(raw.strip())
    if not number.is_finite():
        return NumberText(raw.strip())
    if number == number.to_integral_value():
        text = format(number.quantize(Decimal(1)), "f")
        return NumberText(text) if len(text.lstrip("-")) <= MAX_DIGITS else None
    text = format(float(number), f".{MAX_DIGITS}g")
    if "e" in text:
        text = format(Decimal(text), "f")
    return NumberText(text)


def _too_many_digits(raw: str) -> str:
    return (
        f"the number {raw} has more than {MAX_DIGITS} digits, which Excel cannot keep (it "
        "turns the rest into zeros); format the column as Text, type the number again and "
        "save"
    )


# --- number formats ----------------------------------------------------------------------------


_QUOTED_OR_ESCAPED = re.compile(r'"[^"]*"|\\.|_.|\*.')
_CONDITION = re.compile(r"\[(<=|>=|<>|<|>|=)(-?\d+(?:\.\d+)?)\]")
_BRACKET = re.compile(r"\[[^\]]*\]")
_PATTERN_TOKEN = re.compile(r'"([^"]*)"|\\(.)|([0#])|([ \-()/+:])')


def _is_date_format(code: str) -> bool:
    plain = _BRACKET.sub("", _QUOTED_OR_ESCAPED.sub("", code)).lower()
    return plain != "general" and any(letter in plain for letter in "ymdhs")


def _section(code: str):
    """(condition, tokens) of one section of a digit pattern, or None for other formats."""
    condition = None
    match = _CONDITION.search(code)
    if match:
        condition = (match.group(1), Decimal(match.group(2)))
    code = _CONDITION.sub("", code)
    code = _BRACKET.sub("", code)  # colours, locales
    tokens, position = [], 0
    for token in _PATTERN_TOKEN.finditer(code):
        if token.start() != position:
            return None
        position = token.end()
        quoted, escaped, digit, literal = token.groups()
        tokens.append(
            ("0#".index(digit), None)
            if digit
            else (None, quoted if quoted is not None else escaped or literal)
        )
    if position != len(code) or not any(kind is not None for kind, _ in tokens):
        return None
    return condition, tokens


def _holds(condition, value: int) -> bool:
    operator, limit = condition
    return {
        "<=": value <= limit,
        ">=": value >= limit,
        "<>": value != limit,
        "<": value < limit,
        ">": value > limit,
        "=": value == limit,
    }[operator]


def digit_pattern(code: str):
    """A function showing a whole number >= 0 as a digit-pattern format does (`000000`,
    `00000-0000`, `[<=9999999]###-####;(###) ###-####`), or None for any other format."""
    sections = [_section(part) for part in re.split(r';(?=(?:[^"]*"[^"]*")*[^"]*$)', code)]
    if not sections or sections[0] is None:
        return None

    def show(value: int) -> str | None:
        for index, section in enumerate(sections):
            if section is None:
                return None
            condition, tokens = section
            if condition is None and index > 0 and not any(s and s[0] for s in sections):
                return None  # the negative or zero sections of an unconditional format
            if condition is None or _holds(condition, value):
                return _fill(tokens, str(value))
        return None

    return show


def _fill(tokens, digits: str) -> str:
    """Digits fill the placeholders right to left; `0` shows a zero where none is left, `#`
    nothing; digits beyond the placeholders go before the first one."""
    if digits == "0":
        digits = ""
    out, left = [], len(digits)
    first = next(i for i, (kind, _) in enumerate(tokens) if kind is not None)
    for index in range(len(tokens) - 1, -1, -1):
        kind, literal = tokens[index]
        if kind is None:
            out.append(literal)
            continue
        if left:
            left -= 1
            out.append(digits[left])
        elif kind == 0:
            out.append("0")
        if index == first and left:
            out.append(digits[:left])
            left = 0
    return "".join(reversed(out))


def _date_text(raw: str, date1904: bool) -> str:
    serial = float(raw)
    if date1904:
        base = datetime.datetime(1904, 1, 1)
    else:  # Excel's day 60 is the 29 February 1900 that never was
        base = datetime.datetime(1899, 12, 30 if serial >= 61 else 31)
    moment = base + datetime.timedelta(days=serial)
    moment = moment.replace(microsecond=0) + datetime.timedelta(
        seconds=round(moment.microsecond / 1e6)
    )
    if moment.time() == datetime.time(0):
        return moment.date().isoformat()
    return moment.isoformat()


def _read_styles(zip_: _Zip, package: Package) -> dict[str, tuple]:
    """By a cell's `s` attribute: ("date",) or ("pattern", show) for the formats that change
    the text of a number; General and other formats are absent."""
    if package.styles is None:
        return {}
    root = zip_.xml(package.styles)
    codes = {}
    for element in root.iter():
        if _local(element.tag) == "numFmt":
            codes[element.get("numFmtId")] = element.get("formatCode", "")
    styles = {}
    for element in root.iter():
        if _local(element.tag) != "cellXfs":
            continue
        for index, xf in enumerate(child for child in element if _local(child.tag) == "xf"):
            format_id = xf.get("numFmtId", "0")
            code = codes.get(format_id)
            if code is None:
                if format_id.isdigit() and int(format_id) in _DATE_FORMAT_IDS:
                    styles[str(index)] = ("date",)
                continue
            if _is_date_format(code):
                styles[str(index)] = ("date",)
            elif (show := digit_pattern(code)) is not None:
                styles[str(index)] = ("pattern", show)
        break
    return styles


def _read_shared_strings(archive: zipfile.ZipFile, info: zipfile.ZipInfo | None) -> list[str]:
    if info is None:
        return []
    strings: list[str] = []
    parts: list[str] = []
    depth = {"t": False, "rPh": 0}
    total = 0

    def start(name, attrs):
        local = name.rsplit("}", 1)[-1]
        if local == "t":
            depth["t"] = not depth["rPh"]
        elif local == "rPh":
            depth["rPh"] += 1
        elif local == "si":
            parts.clear()

    def end(name):
        nonlocal total
        local = name.rsplit("}", 1)[-1]
        if local == "t":
            depth["t"] = False
        elif local == "rPh":
            depth["rPh"] -= 1
        elif local == "si":
            text = _unescape("".join(parts))
            total += len(text)
            if total > MAX_SHARED_TEXT:
                raise WorkbookRefused(
                    "The workbook's shared text is larger than accepted; the file is refused."
                )
            strings.append(text)

    def characters(data):
        if depth["t"]:
            parts.append(data)

    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = characters
    _parse(parser, archive, info)
    return strings


def _parse(parser, archive: zipfile.ZipFile, info: zipfile.ZipInfo):
    """Feed a whole part to an expat parser (for the shared strings)."""
    with archive.open(info) as part:
        try:
            while chunk := part.read(PARSE_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except (expat.ExpatError, LookupError) as error:
            raise _not_xml(info.filename, error) from error


# --- the worksheet -----------------------------------------------------------------------------


def _far_cell(ref: str, column: int) -> WorkbookRefused:
    return WorkbookRefused(
        f"The worksheet has a value in cell {ref}, which makes it {column + 1:,} columns wide; "
        f"at most {MAX_COLUMNS} columns are accepted. Delete that cell's contents (or everything "
        "right of the customer columns) and upload again."
    )


class _SheetParser:
    """expat handlers that turn the worksheet's XML into rows: (row number, {column: text}) and
    their problems. Kept minimal per cell: the import reads up to a million rows."""

    def __init__(self, package: Package, shared: list[str], styles: dict[str, tuple]):
        self.shared, self.styles = shared, styles
        self.date1904 = package.date1904
        self.recalculated = package.recalculated_on_open
        self.done: list[tuple[int, dict[int, str], dict[int, str] | None]] = []
        self.row_no = 0
        self.cells: dict[int, str] = {}
        self.problems: dict[int, str] | None = None
        self.column = -1
        self.ref = self.kind = self.style = None
        self.value: str | None = None
        self.formula = False
        self.text: list[str] | None = None  # collecting characters of <v> or <t>
        self.inline: list[str] = []
        self.phonetic = 0
        self.columns: dict[str, int] = {}
        parser = expat.ParserCreate(namespace_separator="}")
        parser.buffer_text = True
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.characters
        self.parser = parser

    def start(self, name, attrs):
        local = name[name.rfind("}") + 1 :]
        if local == "c":
            ref = attrs.get("r")
            if ref:
                letters = ref.rstrip("0123456789")
                column = self.columns.get(letters)
                if column is None:
                    if not _REF.fullmatch(ref):
                        raise WorkbookRefused(
                            f'The worksheet has a cell reference "{ref}" that '
                            "is not a cell; the file is refused."
                        )
                    column = self.columns[letters] = _column_index(letters)
                self.column = column
            else:
                self.column += 1
            self.ref = ref
            self.kind = attrs.get("t")
            self.style = attrs.get("s")
            self.value = None
            self.formula = False
            self.inline = []
        elif local == "v":
            self.text = []
        elif local == "t":
            if not self.phonetic:
                self.text = []
        elif local == "row":
            number = attrs.get("r")
            self.row_no = int(number) if number and number.isdigit() else self.row_no + 1
            if self.row_no > MAX_ROWS:
                raise WorkbookRefused(f"The worksheet has more than {MAX_ROWS:,} rows.")
            self.cells = {}
            self.problems = None
            self.column = -1
        elif local == "f":
            self.formula = True
        elif local == "rPh":
            self.phonetic += 1

    def characters(self, data):
        if self.text is not None:
            self.text.append(data)

    def end(self, name):
        local = name[name.rfind("}") + 1 :]
        if local == "v":
            self.value = "".join(self.text) if self.text is not None else ""
            self.text = None
        elif local == "c":
            self.cell()
        elif local == "t":
            if self.text is not None:
                self.inline.append("".join(self.text))
                self.text = None
        elif local == "row":
            if self.cells or self.problems:
                self.done.append((self.row_no, _as_tuple(self.cells), self.problems))
        elif local == "rPh":
            self.phonetic -= 1

    def cell(self):
        kind, value = self.kind, self.value
        text = problem = None
        if self.formula and (
            value is None
            or (value == "" and kind != "str")
            or (self.recalculated and value == "0" and kind in (None, "n"))
        ):
            # No cached value, or XlsxWriter's 0 in a file marked to be recalculated on opening.
            problem = NO_VALUE
        elif kind is None or kind == "n":
            if value:
                text = self._number(value)
                if text is None:
                    problem = _too_many_digits(value)
        elif kind == "s":
            if value:
                try:
                    text = self.shared[int(value)]
                except (ValueError, IndexError):
                    problem = f"the cell refers to shared text {value} that the file lacks"
        elif kind == "inlineStr":
            text = _unescape("".join(self.inline))
        elif kind == "str":
            text = _unescape(value or "")
        elif kind == "e":
            problem = f"the cell shows the error {value or '#VALUE!'}"
        elif kind == "b":
            text = "TRUE" if value in ("1", "true") else "FALSE"
        elif kind == "d":
            text = (value or "").replace("T00:00:00", "").rstrip("Z")
        else:
            text = value
        column = self.column
        if problem is not None:
            if column >= MAX_COLUMNS:
                raise _far_cell(self.ref or column_letter(column), column)
            if self.problems is None:
                self.problems = {}
            self.problems[column] = problem
        elif text:
            if column >= MAX_COLUMNS:
                raise _far_cell(self.ref or column_letter(column), column)
            self.cells[column] = text

    def _number(self, raw: str) -> str | None:
        style = self.styles.get(self.style) if self.style else None
        if style is None:
            return number_text(raw)
        if style[0] == "date":
            try:
                return _date_text(raw, self.date1904)
            except (ValueError, OverflowError):
                return number_text(raw)
        text = number_text(raw)
        if text is None or not text.isdigit():
            return text
        shown = style[1](int(text))
        return NumberText(shown) if shown is not None else text


def _as_tuple(cells: dict[int, str]) -> tuple[str, ...]:
    if len(cells) == 1:
        ((column, text),) = cells.items()
        return ("",) * column + (text,)
    if not cells:
        return ()
    width = max(cells) + 1
    return tuple(map(cells.get, range(width), ("",) * width))


Parsed = Iterator[tuple[int, tuple[str, ...], dict[int, str] | None]]


class _Merges:
    """Merged ranges with more than one cell: the top-left cell's value (or problem) shows in
    every cell of the range, as in Excel (R33)."""

    def __init__(self, refs: list[str], last_row: int):
        """`last_row`: the last row with cells of its own; a range reaching below it is
        formatting, not rows of data (a range over a whole column must not make a million)."""
        self.by_top: dict[int, list[tuple[int, int, int]]] = {}  # row -> (col1, col2, row2)
        self.active: list[tuple[int, int, int, str, str | None]] = []
        for ref in refs:
            corners = ref.split(":")
            matches = [_REF.fullmatch(corner) for corner in corners]
            if len(corners) != 2 or not all(matches):
                continue
            (c1, r1), (c2, r2) = ((_column_index(m.group(1)), int(m.group(2))) for m in matches)
            c1, c2, r1, r2 = min(c1, c2), max(c1, c2), min(r1, r2), max(r1, r2)
            c2, r2 = min(c2, MAX_COLUMNS - 1), min(r2, last_row or MAX_ROWS, MAX_ROWS)
            if (c1, r1) != (c2, r2) and c1 < MAX_COLUMNS:
                self.by_top.setdefault(r1, []).append((c1, c2, r2))

    def __bool__(self):
        return bool(self.by_top)

    def rows(self, parsed: Parsed) -> Parsed:
        """The rows with merged values filled in, and the rows a range covers that the XML
        leaves out."""
        last = 0
        for row_no, cells, problems in parsed:
            yield from self._gap(last, row_no)
            yield self._fill(row_no, cells, problems)
            last = row_no
        yield from self._gap(last, MAX_ROWS + 1)

    def _gap(self, last: int, next_row: int) -> Parsed:
        row_no = last + 1
        while row_no < next_row:
            self.active = [a for a in self.active if a[2] >= row_no]
            if not self.active:
                return
            yield self._fill(row_no, (), None)
            row_no += 1

    def _fill(self, row_no, cells, problems):
        self.active = [a for a in self.active if a[2] >= row_no]
        for c1, c2, r2 in self.by_top.get(row_no, ()):
            text = cells[c1] if c1 < len(cells) else ""
            problem = problems.get(c1) if problems else None
            if text or problem:
                self.active.append((c1, c2, r2, text, problem))
        if not self.active:
            return row_no, cells, problems
        values = list(cells)
        for c1, c2, _r2, text, problem in self.active:
            if len(values) <= c2:
                values.extend([""] * (c2 + 1 - len(values)))
            for column in range(c1, c2 + 1):
                if problem:
                    problems = problems or {}
                    problems.setdefault(column, problem)
                elif not values[column]:
                    values[column] = text
        return row_no, tuple(values), problems


def _careful_rows(package: Package) -> Parsed:
    """The worksheet through this module's own parser (sparse, knows formulas, errors and
    number formats)."""
    with zipfile.ZipFile(package.path) as archive:
        shared = _read_shared_strings(archive, package.shared_strings)
        reader = _SheetParser(package, shared, package.styles_map)
        parser = reader.parser
        carry = b""
        with archive.open(package.sheet) as part:
            try:
                while chunk := part.read(PARSE_CHUNK):
                    # Formatting down to row 1,048,576 writes empty rows; expat need not see them.
                    data = carry + chunk
                    cut = data.rfind(b">") + 1
                    data, carry = data[:cut], data[cut:]
                    parser.Parse(_EMPTY_ROW.sub(b"", data), False)
                    if reader.done:
                        yield from reader.done
                        reader.done = []
                parser.Parse(carry, True)
            except (expat.ExpatError, LookupError) as error:
                raise _not_xml(package.sheet.filename, error) from error
        yield from reader.done


_EMPTY_ROW = re.compile(rb"<(?:[\w.-]+:)?row\s[^>]*?\br=\"\d+\"[^>]*/>")
FAST_CELLS = 16_000_000  # python-calamine's dense grid: about 30 bytes a cell


def _calamine_rows(package: Package) -> Parsed | None:
    """The worksheet through python-calamine (fast), for sheets the scan found plain: no
    formulas, errors or digit-pattern formats, and a grid that stays small. None when calamine
    cannot open a layout this module can (the careful reader then reads it)."""
    try:
        sheet = CalamineWorkbook.from_path(package.path).get_sheet_by_index(0)
    except Exception:
        return None
    if sheet.width > MAX_COLUMNS:
        raise WorkbookRefused(
            f"The worksheet has {sheet.width} columns; at most {MAX_COLUMNS} are accepted."
        )
    return _calamine_cells(sheet)


def _calamine_cells(sheet) -> Parsed:
    # `iter_rows` yields every row from row 1 (blank rows above the data included) but only
    # the columns from the first one with data: rows count from 1, columns are padded.
    _first_row, first_column = sheet.start or (0, 0)
    pad = ("",) * first_column
    text = cell_text
    for row_no, values in enumerate(sheet.iter_rows(), start=1):
        cells = tuple(value if type(value) is str else text(value) for value in values)
        if pad:
            cells = pad + cells
        if None in cells:  # a number of more than 15 digits
            problems = {
                i: _too_many_digits(_digits(values[i - first_column]))
                for i, cell in enumerate(cells)
                if cell is None
            }
            cells = tuple("" if cell is None else cell for cell in cells)
            yield row_no, cells, problems
        else:
            yield row_no, cells, None


def _digits(value) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def cell_text(value) -> str | None:
    """A calamine cell's value as text: numbers as `number_text` (None past 15 digits), dates
    ISO, booleans as Excel shows them."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float | int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return number_text(str(value) if isinstance(value, int) else repr(value))
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if value is None:
        return ""
    return str(value)


def _grid_cells(package: Package) -> int:
    """An upper bound of the cells python-calamine would lay out for the worksheet."""
    careful = package.careful  # from the scan: references past ZZ are read carefully anyway
    width = 702 if "wide" in careful else 26 if "past O" in careful else 15
    return width * (package.last_cell_row or MAX_ROWS)


def open_sheet(path) -> Sheet:
    """Check the file, then open its one worksheet; the header is the first non-blank row."""
    package = check_container(path)
    # A grid far larger than the XML could fill is a sparse sheet: read it sparsely.
    limit = min(FAST_CELLS, 1_000_000 + package.sheet.file_size // 2)
    plain = not (package.careful - {"wide", "past O"}) and _grid_cells(package) <= limit
    parsed = _calamine_rows(package) if plain else None
    if parsed is None:
        plain, parsed = False, _careful_rows(package)
    merges = _Merges(package.merged, package.last_cell_row)
    if merges:
        parsed = merges.rows(parsed)
    header = None
    for row_no, cells, problems in parsed:
        if problems:
            column = min(problems)
            raise WorkbookRefused(
                f"The header cell {column_letter(column)}{row_no} cannot be "
                f"read: {problems[column]}."
            )
        if any(text.strip() for text in cells):
            header = tuple(text.strip() for text in cells)
            header_row = row_no
            break
    if header is None:
        raise WorkbookRefused("The worksheet is empty: it has no header row.")
    while header and not header[-1]:
        header = header[:-1]
    return Sheet(
        header=header,
        header_row=header_row,
        rows_total=max(package.last_cell_row - header_row, 0),
        rows=_data_rows(parsed),
    )


def _data_rows(parsed: Parsed) -> Iterator[tuple[int, tuple[str, ...]]]:
    """(row number, cells as text) of the rows below the header; a row with cells that have
    no value to read is a `ProblemRow`."""
    for row_no, cells, problems in parsed:
        if problems:
            width = max(max(problems) + 1, len(cells))
            cells = ProblemRow(cells + ("",) * (width - len(cells)))
            cells.problems = problems
        yield row_no, cells
