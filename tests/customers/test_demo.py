"""R46: the customers demo loads a realistic, varied set quickly."""

import pytest
from django.apps import apps
from django_scopes import scope

from companies import demo as company_demo
from customers import demo
from customers.models import Address, Contact, ContactChannel, Customer, ShipToLink, ShipToZone

pytestmark = pytest.mark.django_db


def test_demo_loads_customers_with_everything_around_them():
    """R46: a few hundred customers, bill-to and ship-to, some not tax-ready, some Canadian,
    with addresses, contacts, channels, zones and links, all in the history."""
    context = company_demo.load()
    with scope(tenant=context["tenant"].pk):
        result = demo.load(context)
        assert 200 <= len(result["customers"]) <= 500
        assert Customer.objects.filter(kind="ship-to").exists()
        assert Customer.objects.filter(tax_ready=False).exists()
        assert Customer.objects.filter(country="CA").exists()
        for model in (Address, Contact, ContactChannel, ShipToZone, ShipToLink):
            assert model.objects.exists(), model
        event = apps.get_model("customers", "CustomerEvent")
        assert event.objects.count() == Customer.objects.count()
