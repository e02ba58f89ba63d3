"""Validation of a customer's fields (R8-R10), shared by the customer form and the import engine.

Pure: no ORM. Takes the values as text and returns them cleaned with errors by field name.
Called once per row by imports of up to a million rows, so the field metadata is read once
and common emails are checked by one compiled expression before Django's validator.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from companies.text import strip_invisible
from customers.models import TAX_FIELDS, Customer
from customers.postal import address_mismatch
from customers.regions import normalise_address

_FIELDS = {f.name: f for f in Customer._meta.concrete_fields}
MAX_LENGTHS = {name: f.max_length for name, f in _FIELDS.items() if getattr(f, "max_length", None)}
_LABELS: dict[str, str] = {}
_ADDRESS_FIELDS = frozenset({"state", "country", "zip"})
_REQUIRED = ("number", "name1")
_REQUIRED_WITH_TAX = ("number", "name1", *TAX_FIELDS)
# A strict subset of what Django's EmailValidator accepts (dot-atom local part, LDH labels of
# at most 63 characters, an alphabetic top-level domain); anything else goes to the validator,
# so the verdicts and messages stay Django's.
_PLAIN_EMAIL = re.compile(
    r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)


def field_label(name: str) -> str:
    label = _LABELS.get(name)
    if label is None:
        label = _LABELS[name] = str(_FIELDS[name].verbose_name).capitalize()
    return label


_PHONE = re.compile(r"\+?[0-9 ()./-]+(?:\s*(?:x|ext\.?)\s*[0-9]+)?", re.IGNORECASE)


def phone_is_valid(value: str) -> bool:
    """A phone number as people write it: digits (7 to 15) with spaces, + ( ) - . and an
    optional extension ("x123", "ext. 123")."""
    if not _PHONE.fullmatch(value):
        return False
    main = re.split(r"(?i)\s*(?:x|ext)", value)[0]
    return 7 <= sum(c.isdigit() for c in main) <= 15


def email_is_valid(value: str) -> bool:
    if len(value) <= 254 and _PLAIN_EMAIL.fullmatch(value):
        return True
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def clean_customer_values(
    values: dict[str, str],
    *,
    require_tax_fields: bool = False,
    validate_address: bool = False,
) -> tuple[dict[str, str], dict[str, str]]:
    """Clean the given customer fields; absent fields are not checked (R33 deleted columns).

    Text is trimmed; the number also loses no-break spaces and invisible characters at its
    ends (`strip_invisible`, as imports match it: R8, R42, R49); state, country and ZIP are
    checked together (R10), and with `validate_address` a ZIP outside its state is an error on
    the ZIP (R63); name and number may not be blank (R9), nor the six tax fields when the
    company requires them.
    """
    cleaned = {name: (value or "").strip() for name, value in values.items()}
    if "number" in cleaned:  # the key imports match by: the same normalisation (R42, R49)
        cleaned["number"] = strip_invisible(cleaned["number"])
    errors: dict[str, str] = {}
    if not _ADDRESS_FIELDS.isdisjoint(cleaned):
        state, country, zip_code, address_errors = normalise_address(
            state=cleaned.get("state", ""),
            country=cleaned.get("country"),
            zip=cleaned.get("zip", ""),
        )
        for name, value in (("state", state), ("country", country), ("zip", zip_code)):
            if name in cleaned or (name == "country" and value):
                cleaned[name] = value
        errors.update(address_errors)
        if validate_address and not address_errors:
            mismatch = address_mismatch(state=state, country=country, zip=zip_code)
            if mismatch:
                errors["zip"] = mismatch
    for name in _REQUIRED_WITH_TAX if require_tax_fields else _REQUIRED:
        if name in cleaned and not cleaned[name]:
            errors.setdefault(name, f"{field_label(name)} is required.")
    email = cleaned.get("email")
    if email and not email_is_valid(email):
        errors["email"] = f"{email!r} is not a valid email address."
    limits = MAX_LENGTHS
    for name, value in cleaned.items():
        limit = limits.get(name)
        if limit and len(value) > limit:
            errors.setdefault(name, f"{field_label(name)} is longer than {limit} characters.")
    return cleaned, errors
