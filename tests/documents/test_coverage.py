"""Coverage (R22) and exposure (R23): set-based, one level of ship-to links, today's date."""

import datetime

import pytest
from django_scopes import scope

from customers.models import ShipToLink, ShipToZone
from documents.coverage import (
    Scope,
    customer_coverage,
    exposed_customer_ids,
    exposed_customers,
    exposure_summary,
    is_covered,
)
from documents.models import DocumentStatus
from tests.factories import make_company, make_customer, make_document

TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


def zones(customer, *regions):
    with scope(tenant=customer.tenant_id):
        for region in regions:
            ShipToZone.objects.create(
                tenant_id=customer.tenant_id, customer=customer, region=region
            )


def link(billing, shipping):
    with scope(tenant=billing.tenant_id):
        ShipToLink.objects.create(tenant_id=billing.tenant_id, billing=billing, shipping=shipping)


def scope_of(world, *companies, on=None):
    return Scope(world.tenant.pk, [c.pk for c in companies or [world.company]], on=on)


def test_valid_document_in_effect_covers_its_regions(alice):
    """R22: a valid document covering a region, in effect on the date, covers it."""
    customer = make_customer(alice.company, "C1")
    make_document(customer, ["TX", "OK"], effective=TODAY - DAY, expiration=TODAY)
    with alice.scope():
        assert is_covered(customer, "TX") and is_covered(customer, "OK")
        assert not is_covered(customer, "CA")


def test_document_covers_only_between_its_dates(alice):
    """R22: effective <= date <= expiration; no expiration covers for ever."""
    customer = make_customer(alice.company, "C1")
    make_document(
        customer,
        ["TX"],
        effective=datetime.date(2024, 1, 1),
        expiration=datetime.date(2024, 12, 31),
    )
    make_document(customer, ["NM"], effective=datetime.date(2025, 1, 1))
    with alice.scope():
        assert is_covered(customer, "TX", datetime.date(2024, 1, 1))
        assert is_covered(customer, "TX", datetime.date(2024, 12, 31))
        assert not is_covered(customer, "TX", datetime.date(2023, 12, 31))
        assert not is_covered(customer, "TX", datetime.date(2025, 1, 1))
        assert not is_covered(customer, "NM", datetime.date(2024, 12, 31))
        assert is_covered(customer, "NM", datetime.date(2099, 1, 1))


def test_expired_document_does_not_cover_today(alice):
    """R22, R23: a valid document that expired yesterday leaves its zone exposed today."""
    customer = make_customer(alice.company, "C1")
    zones(customer, "TX")
    make_document(customer, ["TX"], expiration=TODAY - DAY)
    with alice.scope():
        assert not is_covered(customer, "TX")
        assert exposure_summary(scope_of(alice))[:2] == (1, 1)


@pytest.mark.parametrize(
    "status", [DocumentStatus.PENDING, DocumentStatus.INVALID, DocumentStatus.VOIDED]
)
def test_only_valid_documents_cover(alice, status):
    """R22: pending, invalid and voided documents give no coverage."""
    customer = make_customer(alice.company, "C1")
    make_document(customer, ["TX"], status)
    with alice.scope():
        assert not is_covered(customer, "TX")


def test_billing_document_covers_shipping_customer_in_its_own_state_only(alice):
    """R22: a billing customer's document covers a linked shipping customer in the state of
    the shipping customer's main address, and in no other of its zones."""
    billing = make_customer(alice.company, "B1", state="TX", zip="78701")
    shipping = make_customer(
        alice.company, "S1", kind="ship-to", state="OK", city="Tulsa", zip="74103"
    )
    link(billing, shipping)
    zones(shipping, "OK", "KS")
    make_document(billing, ["TX", "OK", "KS"])
    with alice.scope():
        assert is_covered(shipping, "OK")
        assert not is_covered(shipping, "KS")
        coverage = {c.region: c.covered for c in customer_coverage(shipping)}
        assert coverage == {"OK": True, "KS": False}
        assert exposed_customers(scope_of(alice)) == [(shipping.pk, ["KS"])]


def test_billing_document_without_the_state_does_not_cover(alice):
    """R22: the billing document must cover the shipping customer's state."""
    billing = make_customer(alice.company, "B1")
    shipping = make_customer(alice.company, "S1", kind="ship-to", state="OK", zip="74103")
    link(billing, shipping)
    make_document(billing, ["TX"])
    with alice.scope():
        assert not is_covered(shipping, "OK")
        # The linked shipping customer's state is itself a need (R23).
        assert exposed_customers(scope_of(alice)) == [(shipping.pk, ["OK"])]


def test_coverage_through_links_is_one_level_deep(alice):
    """R22: a billing customer's document does not reach the shipping customers of its
    shipping customers."""
    top = make_customer(alice.company, "B1")
    middle = make_customer(alice.company, "S1", state="OK", zip="74103")
    bottom = make_customer(alice.company, "S2", state="OK", zip="74104")
    link(top, middle)
    link(middle, bottom)
    make_document(top, ["OK"])
    with alice.scope():
        assert is_covered(middle, "OK")
        assert not is_covered(bottom, "OK")


def test_exposure_counts_by_region_and_customers(alice):
    """R23: exposures are counted by region; each exposed customer listed with its regions."""
    a = make_customer(alice.company, "A")
    b = make_customer(alice.company, "B")
    c = make_customer(alice.company, "C")
    zones(a, "TX", "CA", "NY")
    zones(b, "TX", "CA")
    zones(c, "TX")
    make_document(a, ["NY"])
    make_document(c, ["TX"])
    with alice.scope():
        total, customers, by_region = exposure_summary(scope_of(alice))
        assert (total, customers) == (4, 2)
        assert by_region == [("CA", 2), ("TX", 2)]
        assert exposed_customers(scope_of(alice)) == [(a.pk, ["CA", "TX"]), (b.pk, ["CA", "TX"])]
        assert exposed_customers(scope_of(alice), limit=1, offset=1) == [(b.pk, ["CA", "TX"])]
        assert sorted(exposed_customer_ids(scope_of(alice))) == [a.pk, b.pk]


def test_no_exposure_gives_zero_counts(alice):
    """R23: with nothing exposed the summary is zero, not an error."""
    with alice.scope():
        assert exposure_summary(scope_of(alice)) == (0, 0, [])


def test_exposure_is_limited_to_the_companies_and_tenant_asked(alice, bob):
    """R23, R4: customers of companies outside the scope, or of another tenant, are left out."""
    child = make_company(alice.tenant, "ALICE-CHILD", parent=alice.company)
    inside = make_customer(child, "IN")
    outside = make_customer(alice.company, "OUT")
    foreign = make_customer(bob.company, "BOB")
    for customer in (inside, outside, foreign):
        zones(customer, "TX")
    with alice.scope():
        assert exposed_customer_ids(scope_of(alice, child)) == [inside.pk]
        assert exposed_customer_ids(Scope(alice.tenant.pk, [bob.company.pk])) == []


def test_linked_state_that_is_also_a_zone_counts_once(alice):
    """R23: a shipping customer whose state is also one of its zones, linked to two billing
    customers, is one exposure in that state, not three."""
    shipping = make_customer(alice.company, "S1", state="OK", zip="74103")
    for number in ("B1", "B2"):
        link(make_customer(alice.company, number), shipping)
    zones(shipping, "OK")
    with alice.scope():
        assert exposure_summary(scope_of(alice)) == (1, 1, [("OK", 1)])
        assert [(c.region, c.via_link) for c in customer_coverage(shipping)] == [("OK", False)]
