"""R8-R10: customer field validation (customers.validation), shared by forms and imports."""

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from customers.validation import clean_customer_values, email_is_valid

EMAILS = [
    "ap@example.com",
    "a.b+c@sub.example.co.uk",
    "x_y%z@ex-ample.org",
    "a@b.c",
    "a@localhost",
    "a..b@example.com",
    ".a@example.com",
    "a.@example.com",
    "a@-example.com",
    "a@example-.com",
    "a@example.c0m",
    "a@exa_mple.com",
    "a b@example.com",
    "a@example",
    "@example.com",
    "a@",
    "ap@ex\u00e4mple.com",
    '"quoted"@example.com',
    "a@[127.0.0.1]",
    "a@example.com\n",
    "a@" + "x" * 64 + ".com",
    "a@" + "x" * 63 + ".com",
    "a" * 250 + "@example.com",
    "a@example.123",
    "a@example.x-y",
    "user.name@example.travel",
]


def _django(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("email", EMAILS)
def test_email_check_agrees_with_django(email):
    """R8: the fast email check accepts and refuses exactly what Django's validator does."""
    assert email_is_valid(email) == _django(email)


def test_messages_name_the_field_and_limit():
    """R9, R8: required and too-long messages keep their wording."""
    cleaned, errors = clean_customer_values(
        {"number": " 7 ", "name1": "", "city": "x" * 101, "email": "bad"}
    )
    assert cleaned["number"] == "7"
    assert errors == {
        "name1": "Name 1 is required.",
        "city": "City is longer than 100 characters.",
        "email": "'bad' is not a valid email address.",
    }
