"""Number formats that change the text of a number (R34): dates, and digit patterns such as
`000000` (zero padding) or Excel's ZIP+4 and phone formats."""

import datetime
import re
from decimal import Decimal

# Built-in number formats that show dates or times (ECMA-376 18.8.30 and the East Asian ones).
DATE_FORMAT_IDS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])

_QUOTED_OR_ESCAPED = re.compile(r'"[^"]*"|\\.|_.|\*.')
_CONDITION = re.compile(r"\[(<=|>=|<>|<|>|=)(-?\d+(?:\.\d+)?)\]")
_BRACKET = re.compile(r"\[[^\]]*\]")
_PATTERN_TOKEN = re.compile(r'"([^"]*)"|\\(.)|([0#])|([ \-()/+:])')


def is_date_format(code: str) -> bool:
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


def date_text(raw: str, date1904: bool) -> str:
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
