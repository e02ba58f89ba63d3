"""Certificate requests (R28-R30): sending, the public upload page, the list, resend, cancel,
and "Request missing certificates"."""

import datetime
import hashlib
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from customers.models import ChannelKind, Contact, ContactChannel, ShipToZone
from documents.models import CertificateRequest, Document, DocumentStatus, RequestStatus
from tests.documents.test_files import CAP, StreamedBody
from tests.factories import PDF_BYTES, PNG_BYTES, make_customer, make_document

LINK = re.compile(r"http://testserver/r/([A-Za-z0-9_-]+)/")


def add_zones(customer, *regions):
    with scope(tenant=customer.tenant_id):
        for region in regions:
            ShipToZone.objects.create(
                tenant_id=customer.tenant_id, customer=customer, region=region
            )


def add_contact_email(customer, name, email):
    with scope(tenant=customer.tenant_id):
        contact = Contact.objects.create(tenant_id=customer.tenant_id, customer=customer, name=name)
        ContactChannel.objects.create(
            tenant_id=customer.tenant_id, contact=contact, kind=ChannelKind.EMAIL, value=email
        )


@pytest.fixture
def visitor():
    """A browser with no session: the customer opening the link."""
    return Client()


@pytest.fixture
def customer(alice):
    customer = make_customer(alice.company, "C-1", "Acme Supply", email="ap@acme.example")
    add_zones(customer, "TX", "CA")
    add_contact_email(customer, "Pat Buyer", "pat@acme.example")
    return customer


@pytest.fixture
def send(alice, login, django_capture_on_commit_callbacks):
    """Send a request as alice's editor; returns (request, token from the email)."""

    def _send(customer, **data):
        values = {
            "regions": "TX, CA",
            "email": customer.email,
            "message": "Thanks!",
            "expires_in_days": 14,
            **data,
        }
        url = alice.url(f"customers/{customer.public_id}/request/")
        with django_capture_on_commit_callbacks(execute=True):
            response = login(alice.editor).post(url, values)
        assert response.status_code == 302, response.content.decode()[:2000]
        return latest_request(alice), token_in(mail.outbox[-1])

    return _send


def checked_regions(html: str) -> list[str]:
    """The ticked region checkboxes of a page, sorted."""
    return sorted(re.findall(r'name="regions" value="(\w+)" checked', html))


def latest_request(world):
    with world.scope():
        return CertificateRequest.objects.select_related("customer").latest("created_at")


def token_in(message) -> str:
    return LINK.search(message.body).group(1)


def refresh(world, obj):
    with world.scope():
        obj.refresh_from_db()
    return obj


# --- sending (R28) -----------------------------------------------------------------------------


def test_request_page_offers_zones_and_the_customer_and_contact_emails(alice, login, customer):
    """R28: the request page is pre-filled with the customer's ship-to zones and offers the
    customer's email and its contacts' email channels."""
    page = login(alice.editor).get(alice.url(f"customers/{customer.public_id}/request/"))
    assert page.status_code == 200
    html = page.content.decode()
    assert checked_regions(html) == ["CA", "TX"]
    assert 'value="ap@acme.example"' in html and 'value="pat@acme.example"' in html


def test_request_is_emailed_by_a_task_with_a_link_only_its_hash_is_kept(alice, customer, send):
    """R28: the email (Django's email framework, sent by the task) holds a link with an
    unguessable token; only its SHA-256 is stored; the link expires in 14 days by default."""
    request, token = send(customer, email="pat@acme.example")
    [message] = mail.outbox
    assert message.to == ["pat@acme.example"]
    assert message.subject == "Alice HQ asks for your tax exemption certificates (TX, CA)"
    assert "Texas (TX)" in message.body and "Thanks!" in message.body
    assert message.alternatives and token in message.alternatives[0][0]
    assert len(token) >= 43  # 32 random bytes
    assert request.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert (request.regions, request.status) == (["TX", "CA"], RequestStatus.SENT)
    assert request.sent_at is not None and request.sent_by == alice.editor
    expected = timezone.now() + datetime.timedelta(days=14)
    assert abs((request.expires_at - expected).total_seconds()) < 60
    with alice.scope():
        stored = [str(v) for v in CertificateRequest.objects.values().get(pk=request.pk).values()]
        events = [
            str(v) for e in CertificateRequest.pgh_event_model.objects.values() for v in e.values()
        ]
    assert token not in " ".join(stored + events)


def test_request_refuses_unknown_regions_and_other_emails(alice, login, customer):
    """R28: only real region codes, and only the customer's or its contacts' addresses."""
    url = alice.url(f"customers/{customer.public_id}/request/")
    response = login(alice.editor).post(
        url, {"regions": "TX, ZZ", "email": "x@evil.example", "expires_in_days": 14}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Unknown region: ZZ." in html and "Select a valid choice" in html
    with alice.scope():
        assert not CertificateRequest.objects.exists()
    assert mail.outbox == []


# --- the public page (R29) ---------------------------------------------------------------------


def test_public_page_shows_its_request_and_nothing_else(alice, visitor, customer, send):
    """R29: with no login, the page shows the tenant, the customer and the regions asked for;
    opening it marks the request opened; nothing of other requests shows."""
    other = make_customer(alice.company, "C-2", "Other Buyer Inc", email="o@other.example")
    send(other, regions="NY")
    request, token = send(customer)
    response = visitor.get(f"/r/{token}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Alice" in html and "Acme Supply" in html and "Texas" in html and "California" in html
    for leak in ("Other Buyer", "o@other.example", "ap@acme.example", "C-1"):
        assert leak not in html
    # Every region is offered as a checkbox; only this request's are named and ticked.
    assert "NY" not in re.search(r'data-testid="requested-regions">(.*?)</p>', html).group(1)
    assert checked_regions(html) == ["CA", "TX"]
    assert 'href="/t/' not in html  # no way into the tenant
    assert refresh(alice, request).status == RequestStatus.OPENED
    assert request.opened_at is not None


def _upload_data(files, **fields):
    """The public page's post: files from its one multiple-file input, shared details."""
    return {
        "files": files,
        "doc_type": "resale",
        "regions": ["TX"],
        "effective_date": "2025-01-01",
        "expiration_date": "",
        **fields,
    }


def test_upload_arrives_as_pending_documents_and_fulfils_the_request(
    alice, visitor, customer, send, tmp_path
):
    """R29: the files become pending documents of the customer (no uploader, linked to the
    request, history naming the request link), and the request is fulfilled."""
    request, token = send(customer)
    files = [SimpleUploadedFile("tx.pdf", PDF_BYTES), SimpleUploadedFile("ca.png", PNG_BYTES)]
    response = visitor.post(f"/r/{token}/", _upload_data(files, regions=["TX", "CA"]))
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    with alice.scope():
        documents = list(Document.objects.filter(customer=customer).order_by("original_name"))
        events = list(Document.pgh_event_model.objects.filter(pgh_label="insert"))
    assert [(d.original_name, d.regions, d.status, d.doc_type) for d in documents] == [
        ("ca.png", ["TX", "CA"], DocumentStatus.PENDING, "resale"),
        ("tx.pdf", ["TX", "CA"], DocumentStatus.PENDING, "resale"),
    ]
    assert all(d.uploaded_by is None and d.certificate_request_id == request.pk for d in documents)
    assert (tmp_path / "media" / documents[1].file.name).read_bytes() == PDF_BYTES
    assert {e.pgh_context.metadata["certificate_request"] for e in events} == {
        str(request.public_id)
    }
    request = refresh(alice, request)
    assert request.status == RequestStatus.FULFILLED and request.fulfilled_at is not None


def test_upload_refuses_files_that_are_not_documents(alice, visitor, customer, send, tmp_path):
    """R20, R29: an HTML file named .pdf is refused by its bytes; nothing is stored and the
    request stays open."""
    request, token = send(customer)
    evil = SimpleUploadedFile("cert.pdf", b"<html><script>alert(1)</script></html>")
    response = visitor.post(f"/r/{token}/", _upload_data([evil]))
    assert response.status_code == 200
    assert "cert.pdf is not a PDF, PNG, JPEG or TIFF file." in response.content.decode()
    response = visitor.post(f"/r/{token}/", _upload_data([]))
    assert "Choose at least one file." in response.content.decode()
    with alice.scope():
        assert not Document.objects.exists()
    assert refresh(alice, request).status == RequestStatus.OPENED
    assert not (tmp_path / "media").exists()


def test_upload_over_50_mb_on_the_public_page_is_refused(alice, visitor, customer, send, tmp_path):
    """R25, R29: the public page has the same cap; nothing is stored, the request stays open."""
    request, token = send(customer)
    body = StreamedBody(filename="huge.pdf", size=CAP + 1)
    response = visitor.request(**body.environ(f"/r/{token}/"))
    assert response.status_code == 413
    assert "huge.pdf is larger than 50 MB." in response.content.decode()
    with alice.scope():
        assert not Document.objects.exists()
    assert refresh(alice, request).status == RequestStatus.SENT
    assert not (tmp_path / "media").exists()


@pytest.mark.parametrize("state", ["expired", "cancelled", "fulfilled"])
def test_dead_links_are_refused_and_say_why(alice, visitor, customer, send, state):
    """R28, R29: an expired, cancelled or already used link answers 410 with a page saying
    which, and no form; nothing can be uploaded."""
    request, token = send(customer)
    changes = {
        "expired": {"expires_at": timezone.now() - datetime.timedelta(minutes=1)},
        "cancelled": {"status": RequestStatus.CANCELLED},
        "fulfilled": {"status": RequestStatus.FULFILLED},
    }[state]
    with alice.scope():
        CertificateRequest.objects.filter(pk=request.pk).update(**changes)
    reason = {
        "expired": "This link has expired.",
        "cancelled": "This request was cancelled",
        "fulfilled": "This request has already been answered",
    }[state]
    for response in (
        visitor.get(f"/r/{token}/"),
        visitor.post(f"/r/{token}/", _upload_data([SimpleUploadedFile("a.pdf", PDF_BYTES)])),
    ):
        assert response.status_code == 410
        assert reason in response.content.decode()
        assert "<form" not in response.content.decode().split("</header>")[-1]
    with alice.scope():
        assert not Document.objects.exists()


def test_unknown_link_is_not_found(db, visitor):
    """R28: a token that matches no request answers 404 and names nothing."""
    response = visitor.get("/r/not-a-real-token-at-all/")
    assert response.status_code == 404
    assert "This link is not valid." in response.content.decode()


def test_a_link_is_used_once(alice, visitor, customer, send):
    """R28, R29: after a successful upload the same link is refused (reuse)."""
    _, token = send(customer)
    assert (
        visitor.post(
            f"/r/{token}/", _upload_data([SimpleUploadedFile("a.pdf", PDF_BYTES)])
        ).status_code
        == 200
    )
    again = visitor.post(f"/r/{token}/", _upload_data([SimpleUploadedFile("b.pdf", PDF_BYTES)]))
    assert again.status_code == 410
    with alice.scope():
        assert Document.objects.count() == 1


# --- list, resend, cancel (R30) ----------------------------------------------------------------


def test_list_shows_each_status_and_filters_by_it(alice, login, customer, send):
    """R30: sent, opened, fulfilled, expired and cancelled show in the list and filter it;
    "expired" is an open request past its expiry."""
    statuses = {}
    for number, state in enumerate(["sent", "opened", "fulfilled", "cancelled", "expired"]):
        c = make_customer(alice.company, f"S-{number}", f"Status {state}", email="s@x.example")
        request, _ = send(c, regions="TX")
        change = (
            {"expires_at": timezone.now() - datetime.timedelta(days=1)}
            if state == "expired"
            else {"status": state}
        )
        with alice.scope():
            CertificateRequest.objects.filter(pk=request.pk).update(**change)
        statuses[state] = c.name1
    client = login(alice.viewer)
    html = client.get(alice.url("requests/")).content.decode()
    for state, name in statuses.items():
        assert re.search(rf"{name}</a>.*?request-status\">{state.title()}</span>", html, re.S)
    only_expired = client.get(alice.url("requests/?status=expired")).content.decode()
    assert "Status expired" in only_expired and "Status sent" not in only_expired
    only_sent = client.get(alice.url("requests/?status=sent")).content.decode()
    assert "Status sent" in only_sent and "Status expired" not in only_sent


def test_resend_gives_a_new_link_and_expiry_and_kills_the_old_link(
    alice, login, visitor, customer, send, django_capture_on_commit_callbacks
):
    """R30: resend emails a new token with a new expiry; the old link stops working."""
    request, old_token = send(customer)
    with alice.scope():
        CertificateRequest.objects.filter(pk=request.pk).update(
            expires_at=timezone.now() - datetime.timedelta(days=1)
        )
    with django_capture_on_commit_callbacks(execute=True):
        response = login(alice.editor).post(alice.url(f"requests/{request.public_id}/resend/"))
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    new_token = token_in(mail.outbox[-1])
    assert new_token != old_token
    request = refresh(alice, request)
    assert request.expires_at > timezone.now() + datetime.timedelta(days=13)
    assert visitor.get(f"/r/{old_token}/").status_code == 404
    assert visitor.get(f"/r/{new_token}/").status_code == 200


def test_cancel_closes_the_link(alice, login, visitor, customer, send):
    """R30: a cancelled request's link answers 410; a cancelled request cannot be resent."""
    request, token = send(customer)
    editor = login(alice.editor)
    assert editor.post(alice.url(f"requests/{request.public_id}/cancel/")).status_code == 302
    assert refresh(alice, request).status == RequestStatus.CANCELLED
    assert visitor.get(f"/r/{token}/").status_code == 410
    editor.post(alice.url(f"requests/{request.public_id}/resend/"))
    assert refresh(alice, request).status == RequestStatus.CANCELLED
    assert len(mail.outbox) == 1


def test_request_missing_skips_covered_customers_and_open_requests(
    alice, login, customer, send, django_capture_on_commit_callbacks
):
    """R30: "Request missing certificates" sends one request to each customer with exposure
    in the working company and below, for its exposed regions, skipping customers with an open
    request (and covered ones); customers without an email are named."""
    from tests.factories import make_company

    send(customer, regions="TX")  # already asked: skipped
    child = make_company(alice.tenant, "A-CHILD", "Alice West", parent=alice.company)
    exposed = make_customer(child, "E-1", "Exposed Co", email="e@exposed.example")
    add_zones(exposed, "NV", "AZ")
    make_document(exposed, ["AZ"])  # AZ is covered, NV is not
    covered = make_customer(alice.company, "K-1", "Covered Co", email="k@covered.example")
    add_zones(covered, "TX")
    make_document(covered, ["TX"])
    mute = make_customer(alice.company, "M-1", "Mute Co")
    add_zones(mute, "OR")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = login(alice.editor).post(alice.url("requests/missing/"), follow=True)
    html = response.content.decode()
    assert "1 request sent" in html and "No email address for Mute Co #M-1" in html
    with alice.scope():
        new = list(CertificateRequest.objects.filter(customer__number="E-1"))
        assert CertificateRequest.objects.count() == 2
    assert [(r.regions, r.email, r.company_id) for r in new] == [
        (["NV"], "e@exposed.example", child.pk)
    ]
    assert [m.to for m in mail.outbox] == [["e@exposed.example"]]


def test_request_missing_leaves_the_emails_to_the_worker(
    alice, login, django_capture_on_commit_callbacks
):
    """R30, R47: the bulk request writes the requests and queues one email task per request
    once they are committed; the page sends no mail itself, however many customers."""
    for number in ("E-1", "E-2", "E-3"):
        add_zones(make_customer(alice.company, number, email=f"{number}@x.example"), "NV")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = login(alice.editor).post(alice.url("requests/missing/"))
    assert response.status_code == 302
    assert mail.outbox == []
    assert len(callbacks) == 3  # each enqueues send_certificate_request
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "E-1@x.example",
        "E-2@x.example",
        "E-3@x.example",
    ]


# --- who may (R2, R3) --------------------------------------------------------------------------


def _staff_pages(world, customer, request):
    return [
        ("get", world.url("requests/"), "viewer"),
        ("get", world.url(f"customers/{customer.public_id}/request/"), "editor"),
        ("post", world.url(f"requests/{request.public_id}/resend/"), "editor"),
        ("post", world.url(f"requests/{request.public_id}/cancel/"), "editor"),
        ("post", world.url("requests/missing/"), "editor"),
    ]


def test_request_pages_answer_by_role(alice, login, customer, send):
    """R2, R3: the list is for every member; sending, resending, cancelling and requesting
    missing certificates need the editor role (403 for a viewer)."""
    request, _ = send(customer)
    for method, url, role in _staff_pages(alice, customer, request):
        ok = getattr(login(getattr(alice, role)), method)(url)
        assert ok.status_code in (200, 302), url
        if role == "editor":
            assert getattr(login(alice.viewer), method)(url).status_code == 403, url


def test_request_pages_of_another_tenant_are_not_found(alice, bob, login, customer, send):
    """R3: bob's owner gets 404 for alice's customer and request ids, under either tenant."""
    request, _ = send(customer)
    client = login(bob.owner)
    for method, url, _role in _staff_pages(alice, customer, request)[1:4]:
        assert getattr(client, method)(url).status_code == 404, url
        bob_url = url.replace("/t/alice/", "/t/bob/")
        assert getattr(client, method)(bob_url).status_code == 404, bob_url
    assert refresh(alice, request).status == RequestStatus.SENT


def test_request_pages_send_anonymous_visitors_to_login(alice, visitor, customer, send):
    """R3: no login redirects to the login page (the public link is the only exception)."""
    request, _ = send(customer)
    for method, url, _role in _staff_pages(alice, customer, request):
        response = getattr(visitor, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_history_of_the_request_names_who_sent_it(alice, customer, send):
    """R14, R28: the request's history says which user sent it."""
    request, _ = send(customer)
    with scopes_disabled():
        event = CertificateRequest.pgh_event_model.objects.filter(
            pgh_obj_id=request.pk, pgh_label="insert"
        ).get()
    assert event.pgh_context.metadata["user"] == alice.editor.pk


def test_guessing_links_is_throttled(db, visitor, monkeypatch):
    """R28: a client that tries many unknown links is told to wait (429) for a while."""
    from documents.views import public as views_public

    monkeypatch.setattr(views_public, "MISS_LIMIT", 3)
    statuses = [visitor.get(f"/r/guess-{n}/").status_code for n in range(5)]
    assert statuses == [404, 404, 404, 429, 429]


def test_public_page_takes_ten_files_from_one_input_and_refuses_eleven(
    alice, visitor, customer, send, tmp_path
):
    """R29 (issue 13): one multiple-file input takes up to 10 files; 11 are refused by the
    server with a message beside the field, and nothing is stored."""
    request, token = send(customer)
    page = visitor.get(f"/r/{token}/").content.decode()
    assert len(re.findall(r'<input type="file"[^>]*name="files"[^>]*multiple', page)) == 1

    def pdfs(count):
        return [SimpleUploadedFile(f"cert-{n}.pdf", PDF_BYTES) for n in range(count)]

    response = visitor.post(f"/r/{token}/", _upload_data(pdfs(11)))
    assert response.status_code == 200
    assert "At most 10 files at once: you chose 11." in response.content.decode()
    with alice.scope():
        assert not Document.objects.exists()
    assert not (tmp_path / "media").exists()
    response = visitor.post(f"/r/{token}/", _upload_data(pdfs(10)))
    assert "Thank you" in response.content.decode()
    with alice.scope():
        assert Document.objects.filter(certificate_request=request).count() == 10


def test_request_status_filter_lists_statuses_in_the_order_of_a_requests_life():
    """R30: the requests list's status filter offers what a user sees, expired included, in
    the order a request goes through them."""
    from documents.forms import CertificateRequestFilterForm

    choices = CertificateRequestFilterForm().fields["status"].choices
    assert [value for value, _label in choices] == [
        "",
        "sent",
        "opened",
        "fulfilled",
        "expired",
        "cancelled",
    ]
