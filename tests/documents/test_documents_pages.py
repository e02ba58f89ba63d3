"""Every documents page four ways (R3): happy path, another tenant's user or record (404),
too low a role (403), anonymous (login); plus the list filters (R19, R21) and the dashboard."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.models import DocumentStatus
from documents.services import documents as services
from tests.factories import PDF_BYTES, make_company, make_customer, make_document

TODAY = datetime.date.today()


@pytest.fixture
def world(alice, bob):
    """A customer with a stored document in each tenant."""
    docs = {}
    for w in (alice, bob):
        customer = make_customer(w.company, "C-1", f"{w.tenant.name} Buyer")
        with w.scope():
            docs[w.tenant.slug] = services.document_create(
                tenant=w.tenant,
                customer=customer,
                actor=w.editor,
                uploaded_file=SimpleUploadedFile("cert.pdf", PDF_BYTES),
                doc_type="exemption",
                regions=["TX"],
                effective_date=datetime.date(2024, 1, 1),
            )
    return docs


# (path template, role needed, method); {doc} and {customer} are public ids.
PAGES = [
    ("documents/", "viewer", "get"),
    ("documents/new/", "editor", "get"),
    ("documents/review/", "viewer", "get"),
    ("documents/review/next/", "editor", "get"),
    ("documents/{doc}/", "viewer", "get"),
    ("documents/{doc}/edit/", "editor", "get"),
    ("documents/{doc}/file/", "viewer", "get"),
    ("documents/{doc}/review/", "editor", "get"),
    ("documents/{doc}/void/", "editor", "post"),
    ("customers/{customer}/documents/", "viewer", "get"),
    ("customers/{customer}/documents/new/", "editor", "get"),
    ("exposure/", "viewer", "get"),
    ("exposure/export/", "viewer", "post"),
]


def page_url(world_, document, path):
    return world_.url(path.format(doc=document.public_id, customer=document.customer.public_id))


@pytest.mark.parametrize(("path", "role", "method"), PAGES)
def test_page_answers_its_members(alice, world, login, path, role, method):
    """R2, R3: a member with the role needed gets the page."""
    user = alice.editor if role == "editor" else alice.viewer
    response = getattr(login(user), method)(page_url(alice, world["alice"], path))
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert "/accounts/login/" not in response["Location"]


@pytest.mark.parametrize(("path", "role", "method"), PAGES)
def test_other_tenants_user_gets_404(alice, bob, world, login, path, role, method):
    """R3: a user of another tenant gets 404, as for a tenant that does not exist."""
    response = getattr(login(bob.owner), method)(page_url(alice, world["alice"], path))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("path", "role", "method"), [p for p in PAGES if "{doc}" in p[0] or "{customer}" in p[0]]
)
def test_other_tenants_record_gets_404(alice, world, login, path, role, method):
    """R3: another tenant's document or customer UUID under one's own tenant answers 404,
    downloads included."""
    response = getattr(login(alice.owner), method)(page_url(alice, world["bob"], path))
    assert response.status_code == 404


@pytest.mark.parametrize(("path", "role", "method"), [p for p in PAGES if p[1] == "editor"])
def test_viewer_gets_403_where_an_editor_is_needed(alice, world, login, path, role, method):
    """R2, R3: a viewer cannot upload, edit, review or void."""
    response = getattr(login(alice.viewer), method)(page_url(alice, world["alice"], path))
    assert response.status_code == 403


@pytest.mark.parametrize(("path", "role", "method"), PAGES)
def test_anonymous_goes_to_login(alice, world, client, path, role, method):
    """R3: no login redirects to the login page."""
    response = getattr(client, method)(page_url(alice, world["alice"], path))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_company_outside_a_limited_membership_gets_404(alice, login):
    """R2, R3: a membership limited to one company does not reach another's documents."""
    from tests.factories import UserFactory, make_membership

    other = make_company(alice.tenant, "ALICE-OTHER")
    document = make_document(make_customer(other, "X"), ["TX"])
    limited = UserFactory()
    make_membership(alice.tenant, limited, "editor", companies=[alice.company])
    client = login(limited)
    assert client.get(alice.url(f"documents/{document.public_id}/")).status_code == 404
    assert client.get(alice.url(f"documents/{document.public_id}/file/")).status_code == 404


def list_rows(response) -> list[str]:
    return [d.customer.number for d in response.context["documents"]]


def test_list_filters_by_status_including_expired(alice, login):
    """R21: the status filter knows "expired"; "valid" leaves expired documents out."""
    customer = make_customer(alice.company, "C")
    make_document(customer, ["TX"], DocumentStatus.VALID, expiration=TODAY)
    make_document(
        make_customer(alice.company, "E"), ["TX"], expiration=TODAY - datetime.timedelta(days=1)
    )
    make_document(make_customer(alice.company, "P"), ["TX"], DocumentStatus.PENDING)
    client = login(alice.viewer)
    assert list_rows(client.get(alice.url("documents/"), {"status": "expired"})) == ["E"]
    assert list_rows(client.get(alice.url("documents/"), {"status": "valid"})) == ["C"]
    assert list_rows(client.get(alice.url("documents/"), {"status": "pending"})) == ["P"]


def test_list_filters_by_region_and_subtree(alice, login):
    """R7, R20: the region filter; companies below the working one only when asked."""
    child = make_company(alice.tenant, "ALICE-KID", parent=alice.company)
    make_document(make_customer(alice.company, "TOP"), ["TX", "OK"])
    make_document(make_customer(child, "KID"), ["OK"])
    client = login(alice.viewer)
    assert list_rows(client.get(alice.url("documents/"), {"region": "TX"})) == ["TOP"]
    assert sorted(
        list_rows(client.get(alice.url("documents/"), {"region": "OK", "descendants": "on"}))
    ) == ["KID", "TOP"]


def test_expiring_soon_uses_the_effective_window(alice, login):
    """R19: "expiring soon" uses the most specific window: customer, then company, then the
    tenant's default (30 days)."""
    in_40 = TODAY + datetime.timedelta(days=40)
    in_20 = TODAY + datetime.timedelta(days=20)
    make_document(make_customer(alice.company, "DEFAULT-40"), ["TX"], expiration=in_40)
    make_document(make_customer(alice.company, "DEFAULT-20"), ["TX"], expiration=in_20)
    make_document(
        make_customer(alice.company, "WIDE-40", expiring_soon_days=60), ["TX"], expiration=in_40
    )
    make_document(
        make_customer(alice.company, "NARROW-20", expiring_soon_days=10), ["TX"], expiration=in_20
    )
    child = make_company(alice.tenant, "ALICE-KID", parent=alice.company)
    with alice.scope():
        alice.company.expiring_soon_days = 45
        alice.company.save(update_fields=["expiring_soon_days"])
    make_document(make_customer(child, "INHERITS-45"), ["TX"], expiration=in_40)
    response = login(alice.viewer).get(
        alice.url("documents/"), {"expiring_soon": "on", "descendants": "on"}
    )
    assert sorted(list_rows(response)) == ["DEFAULT-20", "DEFAULT-40", "INHERITS-45", "WIDE-40"]


def test_dashboard_shows_exposures_pending_reviews_and_expiring(alice, login):
    """R21, R23, R19: the dashboard counts exposures, pending reviews and expiring soon."""
    from customers.models import ShipToZone

    customer = make_customer(alice.company, "C")
    with alice.scope():
        ShipToZone.objects.create(tenant=alice.tenant, customer=customer, region="TX")
        ShipToZone.objects.create(tenant=alice.tenant, customer=customer, region="OK")
    make_document(customer, ["OK"], DocumentStatus.PENDING)
    make_document(customer, ["LA"], expiration=TODAY + datetime.timedelta(days=3))
    response = login(alice.viewer).get(alice.url())
    panels = {p["title"]: p["value"] for p in response.context["panels"]}
    assert panels["Exposures"] == "2"
    assert panels["Pending reviews"] == "1"
    assert panels["Expiring soon"] == "1"
