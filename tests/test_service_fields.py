"""R5, R8, R15: the services that write companies, customers and addresses name each field
they take; a field added to the model and its field list but not to a service fails here."""

import inspect

import pytest

from companies import services as company_services
from customers import services as customer_services

CONTEXT = {"tenant", "company", "customer", "address", "actor", "parent"}


@pytest.mark.parametrize(
    ("service", "fields"),
    [
        (company_services.company_create, ["name", "code", *company_services.COMPANY_DETAILS]),
        (company_services.company_update, ["name", "code", *company_services.COMPANY_DETAILS]),
        (
            customer_services.customer_create,
            customer_services.CUSTOMER_TEXT_FIELDS + customer_services.CUSTOMER_OTHER_FIELDS,
        ),
        (
            customer_services.customer_update,
            customer_services.CUSTOMER_TEXT_FIELDS + customer_services.CUSTOMER_OTHER_FIELDS,
        ),
        (customer_services.address_create, customer_services.ADDRESS_FIELDS),
        (customer_services.address_update, customer_services.ADDRESS_FIELDS),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_services_take_each_field_by_name(service, fields):
    """R5, R8, R15: every parameter is keyword-only, and the fields are exactly the list's."""
    parameters = inspect.signature(service).parameters.values()
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters)
    assert sorted(p.name for p in parameters if p.name not in CONTEXT) == sorted(fields)
