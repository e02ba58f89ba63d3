"""R49 in forms: every form, the Django admin and the public upload page refuse the characters
PostgreSQL or an .xlsx cannot hold, with an error naming the field. Walks every form class of the
project and every admin add page, so a new form or admin cannot forget it."""

import importlib
import pkgutil

import pytest
from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from companies.forms import StorableTextMixin
from customers.forms import CustomerForm
from customers.models import Customer
from tests.customers.test_customer_pages import FORM
from tests.documents.test_requests import _upload_data, customer, send, visitor  # noqa: F401
from tests.factories import PDF_BYTES, UserFactory

PROJECT_APPS = ["accounts", "companies", "customers", "documents", "imports"]
# Every forbidden kind: NUL, C0 controls but tab/LF/CR, lone surrogates, U+FFFE, U+FFFF.
FORBIDDEN = [
    "\x00",
    "\x01",
    "\x08",
    "\x0b",
    "\x0c",
    "\x0e",
    "\x1f",
    "\ud800",
    "\udfff",
    "\ufffe",
    "\uffff",
]
# Those a browser can send (a lone surrogate cannot be encoded in UTF-8).
SENDABLE = [c for c in FORBIDDEN if not 0xD800 <= ord(c) <= 0xDFFF]


def _code(character: str) -> str:
    return f"U+{ord(character):04X}"


def _project_forms() -> list[type]:
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" not in module.name:
                importlib.import_module(module.name)
    found, pending = set(), [forms.BaseForm]
    while pending:
        for sub in pending.pop().__subclasses__():
            pending.append(sub)
            if sub.__module__.split(".")[0] in PROJECT_APPS:
                found.add(sub)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def test_every_form_of_the_project_checks_its_text():
    """R49: every form class the project defines derives from the storable-text base."""
    classes = _project_forms()
    assert len(classes) > 20  # the walk found the forms
    missing = [
        f"{c.__module__}.{c.__qualname__}" for c in classes if not issubclass(c, StorableTextMixin)
    ]
    assert missing == []


@pytest.mark.parametrize("character", FORBIDDEN, ids=_code)
def test_customer_form_refuses_each_forbidden_character(alice, character):
    """R49: each forbidden character in a text field is a field error naming the field and the
    code point; tab, line feed and carriage return are accepted."""
    form = CustomerForm({**FORM, "name1": f"Widget{character}Works"}, company=alice.company)
    assert not form.is_valid()
    assert form.errors["name1"] == [
        f"Name 1 holds a character that cannot be stored ({_code(character)}); remove it."
    ]
    allowed = CustomerForm({**FORM, "name2": "a\tb"}, company=alice.company)
    assert allowed.is_valid(), allowed.errors


@pytest.mark.parametrize("character", SENDABLE, ids=_code)
def test_customer_page_refuses_each_forbidden_character(alice, login, character):
    """R49: the add-customer page answers the form with the error beside the field, and
    stores nothing (NUL included: no database error)."""
    response = login(alice.editor).post(
        alice.url("customers/add/"), {**FORM, "city": f"Aus{character}tin"}
    )
    assert response.status_code == 200
    assert (
        f"City holds a character that cannot be stored ({_code(character)})"
        in response.content.decode()
    )
    with alice.scope():
        assert not Customer.objects.exists()


@pytest.fixture
def operator(db, login):
    return login(UserFactory(email="root@example.com", is_staff=True, is_superuser=True))


def _add_pages():
    """The add URL of every admin that can add rows."""
    request = RequestFactory().get("/admin/")
    request.user = UserFactory.build(is_staff=True, is_superuser=True, is_active=True)
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in PROJECT_APPS and model_admin.has_add_permission(request):
            yield f"/admin/{model._meta.app_label}/{model._meta.model_name}/add/"


def test_every_admin_add_page_refuses_forbidden_characters(operator):
    """R49: the Django admin of every model refuses a forbidden character in each of its text
    fields, with the error on that field."""
    checked = 0
    for url in _add_pages():
        form_class = operator.get(url).context["adminform"].form.__class__
        assert issubclass(form_class, StorableTextMixin), url
        text_fields = [
            name
            for name, field in form_class.base_fields.items()
            if isinstance(field, forms.CharField)
        ]
        response = operator.post(url, dict.fromkeys(text_fields, "A\x0bB"))
        assert response.status_code == 200, url
        errors = response.context["adminform"].form.errors
        for name in text_fields:
            assert any("(U+000B)" in message for message in errors.get(name, [])), (url, name)
        checked += len(text_fields)
    assert checked > 40


@pytest.mark.parametrize("character", SENDABLE, ids=_code)
def test_customer_admin_refuses_each_forbidden_character(alice, operator, character):
    """R49: each forbidden character in the customer admin, with nothing stored."""
    data = {
        "tenant": alice.tenant.pk,
        "company": alice.company.pk,
        "number": "1",
        "name1": f"A{character}B",
        "kind": "bill-to",
    }
    response = operator.post("/admin/customers/customer/add/", data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["name1"] == [
        f"Name 1 holds a character that cannot be stored ({_code(character)}); remove it."
    ]
    with alice.scope():
        assert not Customer.objects.exists()


def test_public_upload_page_refuses_forbidden_characters(alice, visitor, customer, send):  # noqa: F811
    """R49: the public upload page refuses a file name or a region list holding a forbidden
    character, beside the field, and stores nothing."""
    from documents.forms import PublicUploadForm
    from documents.models import Document

    form = PublicUploadForm(
        {"doc_type": "resale", "regions": "TX", "effective_date": "2025-01-01"},
        {"files": [SimpleUploadedFile("cert\x0b.pdf", PDF_BYTES)]},
        regions=[],
    )
    assert not form.is_valid()
    assert "Files holds a character that cannot be stored (U+000B)" in form.errors["files"][0]

    _, token = send(customer)
    response = visitor.post(
        f"/r/{token}/", _upload_data([SimpleUploadedFile("cert.pdf", PDF_BYTES)], regions="T\x00X")
    )
    assert response.status_code == 200
    assert "(U+0000)" in response.content.decode()
    with alice.scope():
        assert not Document.objects.exists()


def test_void_reason_refuses_forbidden_characters(alice, login):
    """R49: the reason typed when voiding a document is checked like any field: refused with
    its message, the document left as it was."""
    from documents.models import DocumentStatus
    from tests.factories import make_customer, make_document

    document = make_document(make_customer(alice.company, "1"), ["TX"])
    client = login(alice.editor)
    response = client.post(
        alice.url(f"documents/{document.public_id}/void/"), {"reason": "dup\x00licate"}, follow=True
    )
    assert "Reason holds a character that cannot be stored (U+0000)" in response.content.decode()
    with alice.scope():
        document.refresh_from_db()
    assert document.status == DocumentStatus.VALID
