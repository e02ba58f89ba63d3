"""Validation of a customer's fields (R8-R10), shared by the customer form and the import engine.

Pure: no ORM. Takes the values as text and returns them cleaned with errors by field name.
"""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from customers.models import TAX_FIELDS, Customer
from customers.regions import normalise_address


def field_label(name: str) -> str:
    return str(Customer._meta.get_field(name).verbose_name).capitalize()


def clean_customer_values(values: dict[str, str], *, require_tax_fields: bool = False,
                          ) -> tuple[dict[str, str], dict[str, str]]:
    """Clean the given customer fields; absent fields are not checked (R33 deleted columns).

    Text is trimmed (the number too, R8); state, country and ZIP are checked together (R10);
    name and number may not be blank (R9), nor the six tax fields when the company requires them.
    """
    cleaned = {name: (value or "").strip() for name, value in values.items()}
    errors: dict[str, str] = {}
    if {"state", "country", "zip"} & cleaned.keys():
        state, country, zip_code, address_errors = normalise_address(
            state=cleaned.get("state", ""), country=cleaned.get("country", ""),
            zip=cleaned.get("zip", ""))
        for name, value in (("state", state), ("country", country), ("zip", zip_code)):
            if name in cleaned or (name == "country" and value):
                cleaned[name] = value
        errors.update(address_errors)
    required = ["number", "name1"] + (TAX_FIELDS if require_tax_fields else [])
    for name in required:
        if name in cleaned and not cleaned[name]:
            errors.setdefault(name, f"{field_label(name)} is required.")
    if cleaned.get("email"):
        try:
            validate_email(cleaned["email"])
        except ValidationError:
            errors["email"] = f"{cleaned['email']!r} is not a valid email address."
    for name, value in cleaned.items():
        limit = Customer._meta.get_field(name).max_length
        if limit and len(value) > limit:
            errors.setdefault(name, f"{field_label(name)} is longer than {limit} characters.")
    return cleaned, errors
