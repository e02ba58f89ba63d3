"""Comments & Files on customers and documents (R24, R26): the pages, who may do what, history."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope

from documents.models import Document, Note, NoteKind
from tests.factories import make_customer

PDF_BYTES = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def _document(customer, **fields):
    with scope(tenant=customer.tenant_id):
        return Document.objects.create(
            tenant_id=customer.tenant_id,
            customer=customer,
            company=customer.company,
            regions=["TX"],
            effective_date=datetime.date(2024, 1, 1),
            **fields,
        )


def _notes(world, **filters):
    with world.scope():
        return list(Note.objects.filter(**filters).order_by("created_at", "id"))


@pytest.fixture
def customer(alice):
    return make_customer(alice.company, "C-1", "Acme Supply")


def _tab(world, customer):
    return world.url(f"customers/{customer.public_id}/comments/")


def test_comment_and_file_in_one_submission_make_two_entries(alice, login, customer, tmp_path):
    """R24: one submission with a comment and a file makes two entries, listed in one table
    with Timestamp, User, Type, Entry and Action."""
    client = login(alice.editor)
    upload = SimpleUploadedFile("invoice.pdf", PDF_BYTES, content_type="text/html")
    response = client.post(_tab(alice, customer), {"text": "Called the buyer", "file": upload})
    assert response.status_code == 302
    comment, file_entry = sorted(_notes(alice, customer=customer), key=lambda n: n.kind)
    assert (comment.kind, comment.text, comment.author) == (
        NoteKind.COMMENT,
        "Called the buyer",
        alice.editor,
    )
    assert file_entry.kind == NoteKind.FILE
    assert file_entry.original_name == "invoice.pdf"
    assert file_entry.content_type == "application/pdf"  # sniffed, not what the browser said
    assert (tmp_path / "media" / file_entry.file.name).read_bytes() == PDF_BYTES
    page = client.get(_tab(alice, customer)).content.decode()
    for column in ("Timestamp", "User", "Type", "Entry", "Action"):
        assert f"<th>{column}</th>" in page or f'<th class="num">{column}</th>' in page
    assert "Called the buyer" in page and "invoice.pdf" in page
    assert f"notes/{file_entry.public_id}/file/" in page


def test_comment_only_and_file_only(alice, login, customer):
    """R24: a submission may carry only a comment or only a file; nothing at all is refused."""
    client = login(alice.editor)
    client.post(_tab(alice, customer), {"text": "Only words"})
    client.post(_tab(alice, customer), {"file": SimpleUploadedFile("a.txt", b"hello")})
    response = client.post(_tab(alice, customer), {"text": "   "})
    assert response.status_code == 200
    assert "Write a comment or choose a file." in response.content.decode()
    kinds = [note.kind for note in _notes(alice, customer=customer)]
    assert kinds == [NoteKind.COMMENT, NoteKind.FILE]


def test_document_has_its_own_comments_and_files(alice, login, customer):
    """R24: documents have a Comments & Files tab of their own."""
    document = _document(customer)
    client = login(alice.editor)
    url = alice.url(f"documents/{document.public_id}/comments/")
    assert client.post(url, {"text": "Signature missing"}).status_code == 302
    assert [n.text for n in _notes(alice, document=document)] == ["Signature missing"]
    assert _notes(alice, customer=customer) == []
    assert "Signature missing" in client.get(url).content.decode()


def _add(client, world, customer, **data):
    client.post(_tab(world, customer), data)
    return _notes(world, customer=customer)[-1]


def test_author_edits_comment_text_and_file_name(alice, login, customer):
    """R26: Edit changes a comment's text or a file's name; the change is in the history
    with the user who made it."""
    client = login(alice.editor)
    comment = _add(client, alice, customer, text="Frist draft")
    edit = alice.url(f"notes/{comment.public_id}/edit/")
    assert client.get(edit).status_code == 200
    assert client.post(edit, {"value": "First draft"}).status_code == 302
    file_entry = _add(client, alice, customer, file=SimpleUploadedFile("scan.pdf", PDF_BYTES))
    client.post(alice.url(f"notes/{file_entry.public_id}/edit/"), {"value": "Signed form.pdf"})
    with alice.scope():
        comment.refresh_from_db()
        file_entry.refresh_from_db()
        events = list(
            Note.pgh_event_model.objects.filter(pgh_obj_id=comment.pk, pgh_label="update")
        )
    assert comment.text == "First draft"
    assert file_entry.original_name == "Signed form.pdf"
    assert len(events) == 1 and events[0].text == "First draft"
    assert events[0].pgh_context.metadata["user"] == alice.editor.pk


def test_remove_asks_then_deletes_entry_and_stored_file(
    alice, login, customer, tmp_path, django_capture_on_commit_callbacks
):
    """R26: Remove asks once (a confirmation page, no browser dialog on top of it), then
    deletes the entry and its stored file; the deletion is in the history."""
    client = login(alice.editor)
    entry = _add(client, alice, customer, file=SimpleUploadedFile("scan.pdf", PDF_BYTES))
    stored = tmp_path / "media" / entry.file.name
    assert stored.exists()
    url = alice.url(f"notes/{entry.public_id}/remove/")
    page = client.get(url)
    assert page.status_code == 200 and "will be deleted" in page.content.decode()
    assert "data-confirm" not in page.content.decode().split("<main")[1]
    assert stored.exists()  # asking changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    assert _notes(alice, customer=customer) == []
    assert not stored.exists()
    with alice.scope():
        deleted = Note.pgh_event_model.objects.get(pgh_obj_id=entry.pk, pgh_label="delete")
    assert deleted.pgh_context.metadata["user"] == alice.editor.pk


@pytest.mark.parametrize("action", ["edit", "remove"])
def test_only_author_or_admin_changes_an_entry(alice, login, customer, action, django_user_model):
    """R26: another editor gets 403 on an entry they did not write; an admin may; the viewer
    may not."""
    from companies.models import Role
    from tests.factories import UserFactory, make_membership

    other_editor = UserFactory(email="alice-editor2@example.com")
    make_membership(alice.tenant, other_editor, Role.EDITOR)
    entry = _add(login(alice.editor), alice, customer, text="Mine")
    url = alice.url(f"notes/{entry.public_id}/{action}/")
    data = {"value": "Changed"} if action == "edit" else {}
    for user in (other_editor, alice.viewer):
        assert login(user).get(url).status_code == 403
        assert login(user).post(url, data).status_code == 403
    assert _notes(alice, customer=customer)[0].text == "Mine"
    assert login(alice.admin).post(url, data).status_code == 302
    remaining = _notes(alice, customer=customer)
    assert remaining == [] if action == "remove" else remaining[0].text == "Changed"


def test_viewer_reads_but_cannot_add(alice, login, customer):
    """R2, R24: a viewer sees the tab without the form and gets 403 when posting."""
    _add(login(alice.editor), alice, customer, text="Visible to all")
    client = login(alice.viewer)
    page = client.get(_tab(alice, customer))
    assert page.status_code == 200
    assert "Visible to all" in page.content.decode()
    assert 'data-testid="note-form"' not in page.content.decode()
    assert 'href="/t/alice/notes/' not in page.content.decode().replace("/file/", "")
    response = client.post(_tab(alice, customer), {"text": "Sneaky"})
    assert response.status_code == 403
    assert len(_notes(alice, customer=customer)) == 1


def test_other_tenant_gets_404_for_tab_and_entries(alice, bob, login, customer):
    """R3: bob's owner gets 404 for alice's tab, and for her entries' download, edit and
    remove, exactly as for ids that do not exist."""
    entry = _add(
        login(alice.editor), alice, customer, file=SimpleUploadedFile("scan.pdf", PDF_BYTES)
    )
    client = login(bob.owner)
    assert client.get(_tab(alice, customer)).status_code == 404
    for action in ("file", "edit", "remove"):
        assert client.get(alice.url(f"notes/{entry.public_id}/{action}/")).status_code == 404
        # Under bob's own tenant the id is unknown too.
        assert client.get(bob.url(f"notes/{entry.public_id}/{action}/")).status_code == 404
    assert client.post(bob.url(f"notes/{entry.public_id}/remove/")).status_code == 404
    assert len(_notes(alice, customer=customer)) == 1


def test_company_limited_member_cannot_reach_other_company_entries(alice, login, customer):
    """R2, R3: a membership limited to another company gets 404 for this customer's entries."""
    from companies.models import Role
    from tests.factories import UserFactory, make_company, make_membership

    entry = _add(login(alice.editor), alice, customer, text="HQ only")
    branch = make_company(alice.tenant, "BR", "Branch")
    limited = UserFactory(email="alice-branch@example.com")
    make_membership(alice.tenant, limited, Role.ADMIN, companies=[branch])
    client = login(limited)
    assert client.get(_tab(alice, customer)).status_code == 404
    assert client.get(alice.url(f"notes/{entry.public_id}/edit/")).status_code == 404


def test_anonymous_goes_to_login(alice, client, customer):
    """R3: no login redirects to the login page, for the tab and for downloads."""
    for path in (_tab(alice, customer), alice.url(f"notes/{customer.public_id}/file/")):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_admin_lists_notes_and_requests_and_removes_a_file_entry_with_its_file(
    alice, login, customer, tmp_path, django_capture_on_commit_callbacks
):
    """R44, R26: notes and requests are in the admin; removing a file entry there deletes the
    stored file too."""
    from tests.factories import UserFactory

    entry = _add(
        login(alice.editor), alice, customer, file=SimpleUploadedFile("scan.pdf", PDF_BYTES)
    )
    operator = UserFactory(email="operator@example.com", is_staff=True, is_superuser=True)
    client = login(operator)
    assert client.get("/admin/documents/note/").status_code == 200
    assert client.get("/admin/documents/certificaterequest/").status_code == 200
    assert client.get(f"/admin/documents/note/{entry.pk}/change/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/documents/note/{entry.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert _notes(alice, customer=customer) == []
    assert not (tmp_path / "media" / entry.file.name).exists()


def test_document_tab_answers_by_role_tenant_and_login(alice, bob, login, client, customer):
    """R2, R3: a document's Comments & Files tab: the viewer reads but cannot add (403),
    another tenant's user gets 404, an anonymous visitor goes to the login page."""
    url = alice.url(f"documents/{_document(customer).public_id}/comments/")
    assert login(alice.viewer).get(url).status_code == 200
    assert login(alice.viewer).post(url, {"text": "No"}).status_code == 403
    assert login(bob.owner).get(url).status_code == 404
    assert login(bob.owner).post(url, {"text": "No"}).status_code == 404
    client.logout()
    assert client.get(url)["Location"].startswith("/accounts/login/")
    assert _notes(alice) == []
