"""The "Map the columns of this file" page (R58). Thin: the form pairs, the service saves."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from openpyxl.utils import get_column_letter

from certhub.errors import show_error
from companies.models import Role
from companies.tenancy import role_required
from imports import services
from imports.columns import KEY_TITLE, normalise_title
from imports.forms import MappingForm
from imports.mapping import COLUMNS, propose
from imports.selectors import get_batch

SAMPLE_ROWS = 3


@role_required(Role.EDITOR)
def batch_map(request, tenant_slug, public_id):
    """Pair each template field with a column of the batch's file, proposed from the titles
    (or the batch's mapping), then save the mapping and check the file through it."""
    batch = get_batch(request.membership, public_id)
    if not batch.can_map:
        messages.error(
            request,
            "Only an import refused for its column titles, or checked "
            "through a mapping, has columns to map.",
        )
        return redirect("imports:batch", tenant_slug=tenant_slug, public_id=public_id)
    try:
        header, rows = services.batch_file_head(batch, rows=SAMPLE_ROWS)
    except ValidationError as error:
        show_error(request, error)
        return redirect("imports:batch", tenant_slug=tenant_slug, public_id=public_id)
    if batch.mapping is not None:
        index_of = {normalise_title(t): i for i, t in reversed(list(enumerate(header)))}
        initial = {
            title: index_of.get(normalise_title(file_title))
            for title, file_title in batch.mapping.pairs.items()
            if file_title
        }
        name = batch.mapping.name
    else:
        initial, name = propose(header), ""
    form = MappingForm(request.POST or None, header=header, proposed=initial, name=name)
    if request.method == "POST" and form.is_valid():
        try:
            services.batch_map(
                batch=batch, user=request.user, name=form.cleaned_data["name"], pairs=form.pairs()
            )
        except ValidationError as error:
            show_error(request, error, form=form)
        else:
            messages.success(
                request,
                f"Mapping {form.cleaned_data['name']} saved; checking the file with it now.",
            )
            return redirect("imports:batch", tenant_slug=tenant_slug, public_id=public_id)
    samples = [[row[i] if i < len(row) else "" for row in rows] for i in range(len(header))]
    table = []
    for index, column in enumerate(COLUMNS):
        field = form[f"column_{index}"]
        chosen = field.value()
        chosen = int(chosen) if str(chosen or "").isdigit() else None
        table.append(
            {
                "field": field,
                "is_key": column.title == KEY_TITLE,
                "sample": samples[chosen] if chosen is not None and chosen < len(header) else [],
            }
        )
    file_columns = [
        {"letter": get_column_letter(i + 1), "title": title, "sample": samples[i]}
        for i, title in enumerate(header)
    ]
    return render(
        request,
        "imports/mapping_form.html",
        {"batch": batch, "form": form, "rows": table, "file_columns": file_columns},
    )
