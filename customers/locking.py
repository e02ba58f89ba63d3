"""R18: once a document refers to an address, its tax components are locked.

One check used by the services (and so by the forms), the admin forms and anything else that
writes addresses, so the rule cannot be bypassed by taking another path.
"""

from django.core.exceptions import ValidationError

from customers.models import Address, Customer
from customers.selectors import address_is_locked, main_address_is_locked

# The customer record has no county; its other tax components are locked the same way.
MAIN_ADDRESS_TAX_COMPONENTS = ["country", "state", "city", "zip"]


def _changed(obj, values: dict, fields: list[str]) -> list[str]:
    return [f for f in fields if f in values and (values[f] or "") != (getattr(obj, f) or "")]


def _refusal(obj, fields: list[str], why: str, instead: str) -> ValidationError:
    errors = {}
    for field in fields:
        label = obj._meta.get_field(field).verbose_name
        errors[field] = (
            f"The {label} cannot change: {why}, so its tax components are locked. {instead}"
        )
    return ValidationError(errors)


def check_address_lock(address: Address, values: dict) -> None:
    """Refuse a change of country, state, county, city or ZIP of an address a document uses."""
    if address.pk is None:
        return
    stored = Address.objects.filter(pk=address.pk).first() or address
    changed = _changed(stored, values, Address.TAX_COMPONENTS)
    if changed and address_is_locked(stored):
        raise _refusal(
            stored,
            changed,
            "a document refers to this address",
            "Street lines may still change. For a new location, add a new address and make "
            "this one inactive.",
        )


def check_main_address_lock(customer: Customer, values: dict) -> None:
    """The same for the customer's main address, locked once a document uses it."""
    if customer.pk is None:
        return
    stored = Customer.objects.filter(pk=customer.pk).first() or customer
    changed = _changed(stored, values, MAIN_ADDRESS_TAX_COMPONENTS)
    if changed and main_address_is_locked(stored):
        raise _refusal(
            stored,
            changed,
            "a document refers to the customer's main address",
            "Street lines may still change. For a new location, add it as a new address on the "
            "Addresses & Contacts tab and use that for new documents.",
        )
