from django import forms

from companies.forms import StorableTextForm
from companies.uploads import max_upload_bytes, too_large_message
from imports.mapping import COLUMNS, check_pairs


class UploadForm(StorableTextForm):
    file = forms.FileField(
        label="Workbook (.xlsx) or CSV file (.csv)",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    replace = forms.BooleanField(
        required=False, label="Replace ship-to zones and links with those in the file"
    )
    mirror = forms.BooleanField(
        required=False,
        label="This file is the company's whole customer list",
        help_text="Customers of the company missing from the file become inactive; the "
        "preview lists them first.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_upload_bytes():  # R40; capped_upload refuses it sooner
            raise forms.ValidationError(too_large_message(upload.name))
        return upload


class ExportForm(StorableTextForm):
    template = forms.ChoiceField(choices=[("basic", "Basic"), ("full", "Full")], initial="basic")
    descendants = forms.BooleanField(required=False, label="With descendant companies")


class MappingForm(StorableTextForm):
    """A name and, per template field, the index of the file's column that fills it (R58)."""

    name = forms.CharField(
        max_length=100,
        label="Save this mapping as",
        help_text="e.g. QuickBooks customers; a mapping of this company "
        "with the same name is replaced.",
    )

    def __init__(self, *args, header, proposed: dict, name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.header = list(header)
        self.fields["name"].initial = name
        # A mapping pairs titles: a column without a title (or repeating one) cannot be chosen.
        firsts: dict[str, tuple[str, str]] = {}
        for i, title in enumerate(self.header):
            if title.strip():
                firsts.setdefault(title.strip().casefold(), (str(i), title))
        choices = [("", "— not used —"), *firsts.values()]
        for index, column in enumerate(COLUMNS):
            chosen = proposed.get(column.title)
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=column.title,
                choices=choices,
                required=False,
                initial="" if chosen is None else str(chosen),
            )

    def pairs(self) -> dict[str, str]:
        """{template title: file title or ""} of the cleaned choices."""
        return {
            column.title: (
                self.header[int(value)] if (value := self.cleaned_data.get(f"column_{i}")) else ""
            )
            for i, column in enumerate(COLUMNS)
        }

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if any(f"column_{i}" in self.errors for i in range(len(COLUMNS))):
            return data
        by_title = {column.title: i for i, column in enumerate(COLUMNS)}
        for title, message in check_pairs(self.pairs()).items():
            self.add_error(f"column_{by_title[title]}", message)
        return data
