"""The scan of the worksheet's XML, made while its bytes are verified anyway: C-speed byte
searches only, noting what python-calamine would read wrong (R33, R34, R43) so that only such
sheets go to the streaming parser. ~0.3 s of CPU on the 100,000-row benchmark file (74 MB of
sheet XML)."""

import re
from typing import TYPE_CHECKING

from imports.reader.base import MAIN_NAMESPACES, MAX_ROWS, PROLOG_BYTES

if TYPE_CHECKING:
    from imports.reader.package import Package

_MERGE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]*?\bref\s*=\s*[\"']([^\"']+)[\"']")

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
    marks: tuple[bytes, ...] = (
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


def scan(sheet: "Package", tail: bytes, chunk: bytes) -> bytes:
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
