"""ISO 3166-1 country codes (R10), from django-countries: shared by companies' and customers'
addresses, so both apps check a country the same way."""

import functools

from django.core.exceptions import ValidationError
from django_countries import countries


@functools.cache
def _country_codes() -> frozenset[str]:
    return frozenset(code for code, _ in countries)


def is_country_code(code: str) -> bool:
    """True for an ISO 3166-1 alpha-2 code in capitals ("US"), from django-countries (R10)."""
    return code in _country_codes()


def not_a_country_message(code: str) -> str:
    return f"{code!r} is not an ISO 3166-1 two-letter country code (e.g. US, CA, DE)."


def validate_country_code(code: str) -> None:
    """A model field validator: blank, or an ISO code in capitals. Raises ValidationError."""
    if code and not is_country_code(code):
        raise ValidationError(not_a_country_message(code), code="country")
