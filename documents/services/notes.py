"""Writes of Comments & Files on customers and documents (R24-R26), and who may make them.

A submission with a comment and a file makes two entries. Files are stored before the
transaction (storage may be slow or remote) and deleted again if the rows cannot be written;
a removed entry's bytes go only once its deletion has committed. pghistory's triggers record
each write; the context names the user (R26).
"""

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from accounts.models import User
from certhub.errors import DomainError
from companies.history import history_context
from companies.models import Membership, Role, Tenant
from customers.models import Customer
from documents.files import (
    clean_original_name,
    delete_stored_file,
    max_upload_bytes,
    store_file,
    too_large_message,
)
from documents.models import Document, Note, NoteKind

NOTES_FOLDER = "notes"


# --- permissions -------------------------------------------------------------------------------


def can_change_note(membership: Membership, note: Note) -> bool:
    """Authors edit and remove their own entries, admins any (R26)."""
    if membership.has_role(Role.ADMIN):
        return True
    return membership.has_role(Role.EDITOR) and note.author_id == membership.user_id


def check_can_change(membership: Membership, note: Note) -> None:
    if not can_change_note(membership, note):
        raise PermissionDenied("Only the author or an admin may change this entry.")


# --- writes ------------------------------------------------------------------------------------


def note_add(
    *,
    tenant: Tenant,
    actor: User,
    target: Customer | Document,
    text: str = "",
    upload: UploadedFile | None = None,
) -> list[Note]:
    """Add a comment, a file, or both (two entries) to a customer or a document (R24, R25)."""
    text = (text or "").strip()
    if not text and upload is None:
        raise DomainError("Write a comment or choose a file.")
    if upload is not None and (upload.size or 0) > max_upload_bytes():
        # The upload handler refuses these while they stream; this guards other callers.
        raise DomainError(too_large_message(upload.name or ""))
    on = {"document": target} if isinstance(target, Document) else {"customer": target}
    entries = []
    if text:
        entries.append(Note(tenant=tenant, author=actor, kind=NoteKind.COMMENT, text=text, **on))
    if upload is not None:
        file_entry = Note(tenant=tenant, author=actor, kind=NoteKind.FILE, **on)
        store_file(file_entry, upload, tenant=tenant, folder=NOTES_FOLDER)
        entries.append(file_entry)
    try:
        with transaction.atomic(), history_context(actor):
            for entry in entries:
                entry.save()
    except BaseException:
        for entry in entries:
            delete_stored_file(entry)
        raise
    return entries


def note_update(*, note: Note, actor: User, value: str) -> Note:
    """Change a comment's text or a file's name (R26)."""
    value = (value or "").strip()
    if note.kind == NoteKind.COMMENT:
        if not value:
            raise DomainError({"value": "A comment cannot be empty; remove it instead."})
        note.text = value
        fields = ["text", "updated_at"]
    else:
        if not value:
            raise DomainError({"value": "Give the file a name."})
        note.original_name = clean_original_name(value)
        fields = ["original_name", "updated_at"]
    with transaction.atomic(), history_context(actor):
        note.save(update_fields=fields)
    return note


def note_remove(*, note: Note, actor: User) -> None:
    """Delete an entry; its stored file goes once the deletion has committed (R26)."""
    with transaction.atomic(), history_context(actor):
        note.delete()  # the instance keeps its file name for the deletion below
        transaction.on_commit(lambda: delete_stored_file(note))
