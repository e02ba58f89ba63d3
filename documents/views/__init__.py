"""Views of documents (R20-R30): the documents list, upload and detail (documents), the review
queue (review), the exposure report (exposure), Comments & Files (notes), certificate requests
for staff (certificate_requests) and the public upload page (public). Thin: fetch within the
tenant, bind the form, call the service, message, redirect."""

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpRequest

PAGE_SIZE = 50


def add_form_errors(form: Form, error: ValidationError) -> None:
    """A service's ValidationError shown beside the fields it names."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def paginate(request: HttpRequest, queryset: QuerySet, size: int = PAGE_SIZE) -> tuple[Page, str]:
    """The page `?page=` asks for, and the query string without `page` for the pager's links."""
    page = Paginator(queryset, size).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()
