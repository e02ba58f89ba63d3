"""Small helpers of the customers tests."""

import datetime

from django_scopes import scope


def make_document(customer, *, address=None, uses_main_address=False):
    """A document referring to an address or to the customer's main address (locks it, R18)."""
    from documents.models import Document

    with scope(tenant=customer.tenant_id):
        return Document.objects.create(
            tenant_id=customer.tenant_id,
            customer=customer,
            company_id=customer.company_id,
            address=address,
            uses_main_address=uses_main_address,
            regions=["TX"],
            effective_date=datetime.date(2024, 1, 1),
        )


def make_address(customer, **fields):
    from customers.models import Address

    values = {
        "line1": "9 Dock Rd",
        "city": "Dallas",
        "state": "TX",
        "country": "US",
        "zip": "75201",
        "is_ship_to": True,
        **fields,
    }
    with scope(tenant=customer.tenant_id):
        return Address.objects.create(tenant_id=customer.tenant_id, customer=customer, **values)
