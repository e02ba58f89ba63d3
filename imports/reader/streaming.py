"""The reader's own streaming parser (expat), for the sheets python-calamine would read wrong:
row by row and sparse (memory of one row plus the shared strings, whatever the references),
knowing formulas, errors and number formats. It is the one place that knows what a cell shows; it
is ~10 times slower than calamine (the 100,000-row benchmark file: ~13 s against 0.8 s), so it is
not used for every sheet. (Tried first for every sheet; also tried with closures instead of
methods: no faster, the cost is one Python call per element.)"""

import re
import zipfile
from xml.parsers import expat

from imports.reader.base import (
    CELL_REF,
    MAX_COLUMNS,
    MAX_ROWS,
    NO_VALUE,
    NumberText,
    Parsed,
    ParsedRow,
    WorkbookRefused,
    not_xml,
)
from imports.reader.cells import column_index, column_letter, number_text, too_many_digits, unescape
from imports.reader.formats import date_text
from imports.reader.package import Package

MAX_SHARED_TEXT = 256 * 1024 * 1024  # characters of all shared strings together
PARSE_CHUNK = 256 * 1024  # bytes of sheet XML parsed between yields of the rows read


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
            text = unescape("".join(parts))
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
            raise not_xml(info.filename, error) from error


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
        self.done: list[ParsedRow] = []
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
                    if not CELL_REF.fullmatch(ref):
                        raise WorkbookRefused(
                            f'The worksheet has a cell reference "{ref}" that '
                            "is not a cell; the file is refused."
                        )
                    column = self.columns[letters] = column_index(letters)
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
                    problem = too_many_digits(value)
        elif kind == "s":
            if value:
                try:
                    text = self.shared[int(value)]
                except (ValueError, IndexError):
                    problem = f"the cell refers to shared text {value} that the file lacks"
        elif kind == "inlineStr":
            text = unescape("".join(self.inline))
        elif kind == "str":
            text = unescape(value or "")
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
                return date_text(raw, self.date1904)
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


def careful_rows(package: Package) -> Parsed:
    """The worksheet through the reader's own parser (sparse, knows formulas, errors and
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
                raise not_xml(package.sheet.filename, error) from error
        yield from reader.done


_EMPTY_ROW = re.compile(rb"<(?:[\w.-]+:)?row\s[^>]*?\br=\"\d+\"[^>]*/>")
