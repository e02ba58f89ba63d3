"""The header row: titles matched to the template's columns, the template kind recognised (R31,
R32). A refusal names the offending title and the closest valid one."""

import difflib
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from companies.text import invisible_characters, remove_invisible
from imports.columns import (
    BASIC,
    COMPANY_CODE_TITLE,
    ERRORS_TITLE,
    FULL,
    KEY_TITLE,
    SHIPPING,
    SHIPPING_KEY_TITLE,
    TEMPLATES,
    ZONE,
    Column,
    normalise_title,
)
from imports.reader import WorkbookRefused

_FULL_ONLY = {c.key: c for c in TEMPLATES[FULL] if c.side == SHIPPING}
_FULL_ONLY.pop(normalise_title("Shipping Customer State"))
# CertHub's own titles, valid in either template: the company code routes rows (R42); the
# error file's messages are ignored (R38).
_COMPANY_CODE = normalise_title(COMPANY_CODE_TITLE)
_OWN = {_COMPANY_CODE, normalise_title(ERRORS_TITLE)}


@dataclass(frozen=True)
class Layout:
    kind: str
    columns: tuple[tuple[int, Column], ...]  # (index in the row, column), in file order
    company_index: int | None = None  # the `Company Code` column (R42), when present

    def side(self, side: str) -> list[tuple[int, str]]:
        """(index, field) of one side's customer fields present in the file."""
        return [(i, c.field) for i, c in self.columns if c.side == side and c.field != ZONE]

    def index_of(self, side: str, field: str) -> int | None:
        for index, column in self.columns:
            if column.side == side and column.field == field:
                return index
        return None

    def titles(self) -> dict[tuple[str, str], str]:
        return {(c.side, c.field): c.title for _, c in self.columns}


SUGGEST_FROM = 0.8  # difflib ratio from which a valid title is suggested for an unknown one


def _refuse_title(title: str, letter: str, kind: str) -> WorkbookRefused:
    valid = [c.title for c in TEMPLATES[kind]]
    by_key = {normalise_title(t): t for t in valid}
    visible = normalise_title(remove_invisible(title))
    if visible in by_key:
        return WorkbookRefused(
            f'The column title "{title}" (column {letter}) differs from "{by_key[visible]}" '
            f"only by invisible characters ({', '.join(invisible_characters(title))}); "
            "type the title again without them."
        )
    # Only a really close title is worth suggesting ("Customer" is not "Billing Customer Zip").
    closest = difflib.get_close_matches(
        normalise_title(title), list(by_key), n=1, cutoff=SUGGEST_FROM
    )
    hint = f' The closest valid title is "{by_key[closest[0]]}".' if closest else ""
    return WorkbookRefused(
        f'The column title "{title}" (column {letter}) is not a title of the {kind} template.'
        + hint
    )


def read_header(header: tuple[str, ...]) -> Layout:
    keys = [normalise_title(title) for title in header]
    kind = FULL if any(key in _FULL_ONLY for key in keys) else BASIC
    by_key = {column.key: column for column in TEMPLATES[kind]}
    seen: dict[str, str] = {}  # normalised title -> its column letter
    columns, company_index = [], None
    for index, (title, key) in enumerate(zip(header, keys, strict=True)):
        letter = get_column_letter(index + 1)
        if not key:
            raise WorkbookRefused(
                f"Column {letter} has no title; give it one of the "
                f"{kind} template's titles or delete the column."
            )
        if key not in by_key and key not in _OWN:
            raise _refuse_title(title, letter, kind)
        if key in seen:
            raise WorkbookRefused(
                f'The column title "{title}" appears twice (columns {seen[key]} and {letter}).'
            )
        seen[key] = letter
        if key == _COMPANY_CODE:
            company_index = index
        elif key in by_key:
            columns.append((index, by_key[key]))
    if normalise_title(KEY_TITLE) not in seen:
        raise WorkbookRefused(f'The key column "{KEY_TITLE}" is missing.')
    if kind == FULL and normalise_title(SHIPPING_KEY_TITLE) not in seen:
        raise WorkbookRefused(
            f'This file has full-template columns but lacks "{SHIPPING_KEY_TITLE}".'
        )
    return Layout(kind=kind, columns=tuple(columns), company_index=company_index)
