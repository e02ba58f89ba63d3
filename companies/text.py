"""The characters text may hold (R49): one place for the rule, used by forms, imports and writers.

PostgreSQL cannot store NUL; an .xlsx file (XML 1.0) cannot hold the other C0 control
characters except tab, line feed and carriage return, nor unpaired surrogates, U+FFFE or U+FFFF.
Pure: no models; it lives in companies, the app every other app builds on, so all may use it.
"""

import re

# NUL and the C0 controls but tab (09), LF (0A) and CR (0D); lone surrogates; the noncharacters
# U+FFFE and U+FFFF.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"


def code_point(character: str) -> str:
    """`U+000B` for "\\x0b"."""
    return f"U+{ord(character):04X}"


def forbidden_characters(text: str) -> list[str]:
    """The distinct forbidden characters of `text`, in order of appearance ([] when none)."""
    return list(dict.fromkeys(FORBIDDEN.findall(text)))


def forbidden_message(label: str, text: str) -> str | None:
    """The error for a field (or column) whose value holds forbidden characters, else None."""
    found = forbidden_characters(text)
    if not found:
        return None
    listed = ", ".join(code_point(c) for c in found)
    noun = "a character" if len(found) == 1 else "characters"
    return f"{label} holds {noun} that cannot be stored ({listed}); remove it."


def storable(text: str) -> str:
    """`text` with each forbidden character replaced by U+FFFD, for writers (R49): a value
    stored before the rule still writes, and the mark shows where a character was dropped."""
    return FORBIDDEN.sub(REPLACEMENT, text)


def has_forbidden(text: str) -> bool:
    """True when `text` holds a character that cannot be stored (one C-level search)."""
    return FORBIDDEN.search(text) is not None


# Invisible: format characters that look like nothing (BOM, zero-width space, zero-width
# non-joiner and joiner, word joiner). With no-break spaces, at either end of a customer number
# or a column title they are removed before matching, like ordinary spaces (R49), so
# "TS-1\u200b" is the customer "TS-1".
INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"
_INVISIBLE_ANYWHERE = re.compile(f"[{INVISIBLE}]")
_ENDS = INVISIBLE + "\u00a0\u2007\u202f"


def without_forbidden(text: str) -> str:
    """`text` with its forbidden characters removed: only for values already refused (an
    import's row in error still reaches the database's work tables), never to store them."""
    return FORBIDDEN.sub("", text)


def strip_invisible(text: str) -> str:
    """`text` without spaces, no-break spaces and invisible format characters at either end."""
    while True:
        stripped = text.strip().strip(_ENDS)
        if stripped == text:
            return text
        text = stripped


def invisible_characters(text: str) -> list[str]:
    """The code points of the invisible format characters anywhere in `text`, each once."""
    return list(dict.fromkeys(code_point(c) for c in _INVISIBLE_ANYWHERE.findall(text)))


def remove_invisible(text: str) -> str:
    """`text` without any invisible format character (to tell a user that two titles differ
    only by them; never used to store a value)."""
    return _INVISIBLE_ANYWHERE.sub("", text)


def full_stop(text: str) -> str:
    """`text` ending a sentence: with a full stop, unless it ends with one already (a name such
    as "Acme Inc."), so a message never says "Acme Inc.."."""
    return text if text.endswith((".", "!", "?")) else f"{text}."
