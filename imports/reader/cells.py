"""A cell's text as Excel shows it (R33, R34): numbers exactly, with no ".0" and at most 15
digits; column letters; Excel's `_xHHHH_` escapes; python-calamine's typed values as text."""

import datetime
import re
from decimal import Decimal, InvalidOperation

from imports.reader.base import MAX_DIGITS, NumberText

_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def column_letter(index: int) -> str:
    """'A' for 0, 'AB' for 27."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index - 1


def unescape(text: str) -> str:
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


def too_many_digits(raw: str) -> str:
    return (
        f"the number {raw} has more than {MAX_DIGITS} digits, which Excel cannot keep (it "
        "turns the rest into zeros); format the column as Text, type the number again and "
        "save"
    )


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
