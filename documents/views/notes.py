"""The "Comments & Files" tabs of customers and documents, and their entries (R24-R27)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from certhub.errors import show_error
from companies.models import Role
from companies.tenancy import role_required
from companies.uploads import upload_refused
from customers.selectors import get_customer
from documents.files import DOCUMENT_TYPES, capped_upload, file_response
from documents.forms import NoteEditForm, NoteForm
from documents.models import NoteKind
from documents.selectors import get_document, get_note, notes_of
from documents.services import notes as services

NOTES_PER_PAGE = 50


def _notes_page(request, target, template: str, context: dict):
    form = NoteForm()
    refused = upload_refused(request)
    if request.method == "POST":
        form = NoteForm(request.POST, request.FILES, refused=refused)
        if form.is_valid():  # never with a refused file: nothing is written then
            try:
                entries = services.note_add(
                    tenant=request.tenant,
                    actor=request.user,
                    target=target,
                    text=form.cleaned_data["text"],
                    upload=form.cleaned_data["file"],
                )
            except ValidationError as error:
                show_error(request, error, form=form)
            else:
                added = " and ".join(entry.get_kind_display().lower() for entry in entries)
                messages.success(request, f"Added the {added}.")
                return redirect(request.path)
    page = Paginator(notes_of(target), NOTES_PER_PAGE).get_page(request.GET.get("page"))
    for note in page:
        note.can_change = services.can_change_note(request.membership, note)
        note.previewable = note.content_type in DOCUMENT_TYPES
    return render(
        request,
        template,
        {
            **context,
            "form": form,
            "page_obj": page,
            "notes": page.object_list,
        },
        status=413 if refused else 200,
    )


@role_required(Role.EDITOR, methods=("POST",))  # first: a viewer's upload is never read
@capped_upload(refusal_in_view=True)  # an over-size file keeps the comment (R61)
def customer_notes(request, tenant_slug, public_id):
    customer = get_customer(request.membership, public_id)
    return _notes_page(
        request,
        customer,
        "documents/note_customer.html",
        {"customer": customer, "active_tab": "notes"},
    )


@role_required(Role.EDITOR, methods=("POST",))  # first: a viewer's upload is never read
@capped_upload(refusal_in_view=True)
def document_notes(request, tenant_slug, public_id):
    document = get_document(request.membership, public_id)
    return _notes_page(
        request,
        document,
        "documents/note_document.html",
        {"document": document, "customer": document.customer, "active_tab": "notes"},
    )


def _back_url(request, note) -> str:
    kwargs = {"tenant_slug": request.tenant.slug}
    if note.document_id:
        return reverse(
            "documents:document_notes", kwargs={**kwargs, "public_id": note.document.public_id}
        )
    return reverse(
        "documents:customer_notes", kwargs={**kwargs, "public_id": note.customer.public_id}
    )


def note_edit(request, tenant_slug, public_id):
    note = get_note(request.membership, public_id)
    services.check_can_change(request.membership, note)
    initial = {"value": note.text if note.kind == NoteKind.COMMENT else note.original_name}
    form = NoteEditForm(request.POST or None, note=note, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.note_update(note=note, actor=request.user, value=form.cleaned_data["value"])
        except ValidationError as error:
            show_error(request, error, form=form)
        else:
            messages.success(request, f"{note.get_kind_display()} saved.")
            return redirect(_back_url(request, note))
    return render(
        request,
        "documents/note_edit.html",
        {"form": form, "note": note, "back_url": _back_url(request, note)},
    )


def note_remove(request, tenant_slug, public_id):
    note = get_note(request.membership, public_id)
    services.check_can_change(request.membership, note)
    back = _back_url(request, note)
    if request.method == "POST":
        kind = note.get_kind_display()
        services.note_remove(note=note, actor=request.user)
        messages.success(request, f"{kind} removed.")
        return redirect(back)
    return render(request, "documents/note_confirm_remove.html", {"note": note, "back_url": back})


@require_GET
def note_file(request, tenant_slug, public_id):
    """Download an entry's file; PDFs and images open inline with ?inline=1 (R27)."""
    note = get_note(request.membership, public_id)
    if note.kind != NoteKind.FILE or not note.file:
        raise Http404("This entry has no file.")
    return file_response(note, inline=request.GET.get("inline") == "1")
