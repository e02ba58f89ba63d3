"""Errors the user reads: the domain errors' one base class and the one helper that shows them
(R61), and the error pages in the product's layout (templates/<status>.html).

Services refuse an operation by raising a DomainError (or a subclass: imports' WorkbookRefused
and ImportBusy) with a message for the user. DomainError is a Django ValidationError, so a
model's own `full_clean()` errors travel the same way, a form takes either, and a view shows
either with `show_error`.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class DomainError(ValidationError):
    """A business rule refused an operation. Built like a ValidationError: a message, a list of
    them, or {field name: message(s)} for the fields at fault; `str()` is the messages joined."""

    def __str__(self) -> str:
        return error_text(self)


def error_text(error: ValidationError) -> str:
    """The messages of an error as one line (flash messages, command output)."""
    return " ".join(error.messages)


def show_error(
    request: HttpRequest,
    error: ValidationError,
    *,
    form: forms.BaseForm | None = None,
    field: str | None = None,
) -> None:
    """Show a service's refusal to the user. With a `form`: beside the fields it names (the
    others, and a refusal naming none, on `field`, else above the form); without: as an error
    message on the next page."""
    if form is None:
        messages.error(request, error_text(error))
    elif hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else field, errors)
    else:
        form.add_error(field, error)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form whose CSRF check failed (expired, cookies off): the 403 page says what to do."""
    return render(request, "403.html", {"csrf": True}, status=403)
