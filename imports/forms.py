from django import forms

from companies.forms import StorableTextForm
from companies.uploads import max_upload_bytes, too_large_message


class UploadForm(StorableTextForm):
    file = forms.FileField(label="Workbook (.xlsx)",
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
    replace = forms.BooleanField(
        required=False, label="Replace ship-to zones and links with those in the file")
    mirror = forms.BooleanField(
        required=False, label="This file is the company's whole customer list",
        help_text="Customers of the company missing from the file become inactive; the "
                  "preview lists them first.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_upload_bytes():  # R40; capped_upload refuses it sooner
            raise forms.ValidationError(too_large_message(upload.name))
        return upload


class ExportForm(StorableTextForm):
    template = forms.ChoiceField(choices=[("basic", "Basic"), ("full", "Full")], initial="basic")
    descendants = forms.BooleanField(required=False, label="With descendant companies")
