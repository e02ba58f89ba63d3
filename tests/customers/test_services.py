"""The customer services: the rules of R8-R18 hold whatever page or import calls them."""

import pytest
from django.core.exceptions import ValidationError
from django.db.models import F

from customers import services
from customers.models import Address, ChannelKind, Customer, ShipToLink, ShipToZone
from tests.customers.helpers import make_address, make_document
from tests.factories import make_company, make_customer

pytestmark = pytest.mark.django_db


def _create(world, **values):
    defaults = {"number": "1001", "name1": "Widget Works"}
    return services.customer_create(
        tenant=world.tenant, company=world.company, **{**defaults, **values}
    )


def test_number_is_trimmed_kept_as_text_and_unique_per_company(alice):
    """R8: the number keeps leading zeros, is compared after trimming, unique per company."""
    with alice.scope():
        customer = _create(alice, number="  000123 ")
        assert customer.number == "000123"
        with pytest.raises(ValidationError) as error:
            _create(alice, number="000123  ")
        assert "already used" in str(error.value.message_dict["number"])
        other = make_company(alice.tenant, "ALICE-2", parent=alice.company)
        services.customer_create(
            tenant=alice.tenant, company=other, number="000123", name1="Same number, other company"
        )
        assert Customer.objects.filter(number="000123").count() == 2


def test_name_and_number_are_required(alice):
    """R9: name and customer number are required to save."""
    with alice.scope():
        with pytest.raises(ValidationError) as error:
            _create(alice, number="  ", name1="")
        assert set(error.value.message_dict) >= {"number", "name1"}
        assert not Customer.objects.exists()


def test_missing_tax_field_marks_customer_not_tax_ready(alice):
    """R9: lacking any of the six fields makes the customer not tax-ready."""
    with alice.scope():
        ready = _create(
            alice, number="1", address_line1="1 Main", city="Austin", state="TX", zip="78701"
        )
        missing = _create(alice, number="2", address_line1="1 Main", city="Austin", state="TX")
        ready.refresh_from_db()
        missing.refresh_from_db()
        assert ready.tax_ready is True and ready.country == "US"
        assert missing.tax_ready is False
        assert [str(f) for f in missing.missing_tax_fields] == ["ZIP / postal code"]
        assert list(Customer.objects.tax_ready(False)) == [missing]


def test_company_setting_makes_the_six_fields_required(alice):
    """R9: a company may require the six tax fields."""
    strict = make_company(alice.tenant, "STRICT", parent=alice.company, require_tax_fields=True)
    with alice.scope():
        with pytest.raises(ValidationError) as error:
            services.customer_create(
                tenant=alice.tenant, company=strict, number="1", name1="Widget", city="Austin"
            )
        assert set(error.value.message_dict) == {"address_line1", "state", "country", "zip"}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"state": "TX", "zip": "7870"}, "zip"),
        ({"state": "ZZ", "country": "US"}, "state"),
        ({"state": "ON", "zip": "78701"}, "zip"),
        ({"state": "TX", "country": "CA"}, "state"),
        ({"country": "USA"}, "country"),
    ],
)
def test_state_and_zip_are_checked_against_the_country(alice, values, field):
    """R10: US states and ZIPs, Canadian provinces and postal codes are validated."""
    with alice.scope():
        with pytest.raises(ValidationError) as error:
            _create(alice, **values)
        assert field in error.value.message_dict


def test_canadian_province_sets_country_and_formats_postal_code(alice):
    """R10: a Canadian province without a country sets CA; other countries are free text."""
    with alice.scope():
        canadian = _create(alice, number="1", state="on", zip="m5h2n2")
        foreign = _create(alice, number="2", state="Bavaria", country="de", zip="80331 X")
    assert (canadian.state, canadian.country, canadian.zip) == ("ON", "CA", "M5H 2N2")
    assert (foreign.state, foreign.country, foreign.zip) == ("Bavaria", "DE", "80331 X")


def test_zones_are_unique_per_customer_and_known_regions(alice):
    """R11: a zone is a US or Canadian region, once per customer."""
    with alice.scope():
        customer = make_customer(alice.company, "1")
        services.zone_add(customer=customer, region="tx")
        services.zone_add(customer=customer, region="QC")
        for region in ("TX", "XX"):
            with pytest.raises(ValidationError):
                services.zone_add(customer=customer, region=region)
        assert sorted(customer.zones.values_list("region", flat=True)) == ["QC", "TX"]
        services.zone_remove(zone=customer.zones.get(region="QC"))
        assert list(customer.zones.values_list("region", flat=True)) == ["TX"]


def test_links_need_an_existing_number_of_the_same_company(alice):
    """R12: the number must exist in the same company; no self link, no duplicate; a
    shipping customer may serve several billing customers."""
    other_company = make_company(alice.tenant, "OTHER", parent=alice.company)
    with alice.scope():
        billing = make_customer(alice.company, "B1")
        billing2 = make_customer(alice.company, "B2")
        shipping = make_customer(alice.company, "S1", kind="ship-to")
        make_customer(other_company, "ELSEWHERE")
        services.link_add(billing=billing, shipping_number=" S1 ")
        services.link_add(billing=billing2, shipping_number="S1")
        for number, message in (
            ("NOPE", "No customer with number"),
            ("ELSEWHERE", "No customer with number"),
            ("B1", "its own"),
            ("S1", "already linked"),
        ):
            with pytest.raises(ValidationError) as error:
                services.link_add(billing=billing, shipping_number=number)
            assert message in error.value.message_dict["shipping_number"][0]
        assert set(shipping.billing_customers.all()) == {billing, billing2}
        services.link_remove(link=ShipToLink.objects.get(billing=billing2))
        assert list(shipping.billing_customers.all()) == [billing]


def test_only_one_active_statements_address(alice):
    """R15: at most one active Statements address, refused as a field error, not a crash."""
    with alice.scope():
        customer = make_customer(alice.company, "1")
        first = services.address_create(
            customer=customer, line1="1 A St", city="Austin", state="TX", is_statements=True
        )
        with pytest.raises(ValidationError) as error:
            services.address_create(
                customer=customer, line1="2 B St", city="Austin", state="TX", is_statements=True
            )
        assert "is_statements" in error.value.message_dict
        services.address_update(address=first, is_active=False)  # R17: inactive frees the slot
        services.address_create(
            customer=customer, line1="2 B St", city="Austin", state="TX", is_statements=True
        )
        assert customer.addresses.filter(is_statements=True).count() == 2
        with pytest.raises(ValidationError):
            services.address_update(address=Address.objects.get(pk=first.pk), is_active=True)


def test_address_needs_a_purpose_and_valid_region(alice):
    """R15, R10: an address has a purpose; its state and ZIP are checked like a customer's."""
    with alice.scope():
        customer = make_customer(alice.company, "1")
        with pytest.raises(ValidationError):
            services.address_create(customer=customer, line1="1 A", city="Austin")
        with pytest.raises(ValidationError) as error:
            services.address_create(
                customer=customer, line1="1 A", city="Austin", state="TX", zip="1", is_bill_to=True
            )
        assert "zip" in error.value.message_dict
        address = services.address_create(
            customer=customer, line1="1 A", city="Toronto", state="on", is_bill_to=True
        )
        assert address.country == "CA" and address.is_active  # R17: active when created


def test_channels_on_addresses_and_contacts(alice):
    """R16: phones and emails are kept for an address or a named contact."""
    with alice.scope():
        customer = make_customer(alice.company, "1")
        address = make_address(customer)
        contact = services.contact_create(customer=customer, name=" Maria Lopez ", title="AP")
        services.channel_add(address=address, kind=ChannelKind.PHONE, value="+1 512 555 0100")
        email = services.channel_add(
            contact=contact, kind=ChannelKind.EMAIL, value="Maria@Example.com"
        )
        with pytest.raises(ValidationError):
            services.channel_add(contact=contact, kind=ChannelKind.EMAIL, value="not-an-email")
        assert contact.name == "Maria Lopez"
        assert email.value == "maria@example.com"
        assert [c.value for c in address.channels.all()] == ["+1 512 555 0100"]
        services.channel_remove(channel=email)
        assert not contact.channels.exists()


def test_locked_address_refuses_tax_components_but_not_street_lines(alice):
    """R18: once a document refers to an address, country, state, county, city and ZIP are
    locked; street lines may change; the message says what to do instead."""
    with alice.scope():
        customer = make_customer(alice.company, "1")
        address = make_address(customer, county="Dallas")
        services.address_update(address=address, city="Plano", zip="75074")  # not locked yet
        make_document(customer, address=address)
        for change in (
            {"city": "Austin"},
            {"state": "OK"},
            {"county": "Travis"},
            {"zip": "75202"},
            {"country": "CA", "state": "ON", "zip": "M5H 2N2"},
        ):
            with pytest.raises(ValidationError) as error:
                services.address_update(address=Address.objects.get(pk=address.pk), **change)
            message = " ".join(sum(error.value.message_dict.values(), []))
            assert "a document refers to this address" in message
            assert "add a new address and make this one inactive" in message
        services.address_update(
            address=address, line1="10 New Dock Rd", line2="Gate 4", is_active=False
        )
        address.refresh_from_db()
        assert (address.line1, address.city, address.is_active) == (
            "10 New Dock Rd",
            "Plano",
            False,
        )


def test_locked_main_address_refuses_tax_components(alice):
    """R18: a document using the main address locks the customer's country, state, city
    and ZIP; address lines and other fields still change."""
    with alice.scope():
        customer = make_customer(alice.company, "1")
        make_document(customer, uses_main_address=True)
        with pytest.raises(ValidationError) as error:
            services.customer_update(customer=customer, city="Houston", zip="77002")
        assert set(error.value.message_dict) == {"city", "zip"}
        services.customer_update(
            customer=Customer.objects.get(pk=customer.pk),
            address_line1="2 Main St",
            name1="Renamed",
            city="Austin",
        )
        customer.refresh_from_db()
        assert (customer.address_line1, customer.name1) == ("2 Main St", "Renamed")


def test_delete_refused_while_documents_exist(alice):
    """R8: a customer with documents cannot be deleted; without, it goes with its zones."""
    with alice.scope():
        keep = make_customer(alice.company, "1")
        make_document(keep)
        with pytest.raises(ValidationError, match="1 document on file"):
            services.customer_delete(customer=keep)
        gone = make_customer(alice.company, "2")
        services.zone_add(customer=gone, region="TX")
        services.customer_delete(customer=gone)
        assert list(Customer.objects.all()) == [keep]
        assert not ShipToZone.objects.exists()


def test_update_keeps_untouched_fields(alice):
    """R8: an update changes only the fields given."""
    with alice.scope():
        customer = make_customer(alice.company, "1", email="a@example.com")
        Customer.objects.filter(pk=customer.pk).update(name2=F("name1"))
        services.customer_update(customer=Customer.objects.get(pk=customer.pk), phone="555")
        customer.refresh_from_db()
        assert (customer.email, customer.name2, customer.phone) == (
            "a@example.com",
            "Customer",
            "555",
        )
