from django import forms

from imports.services import MAX_FILE_BYTES


class UploadForm(forms.Form):
    file = forms.FileField(label="Workbook (.xlsx)",
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
    replace = forms.BooleanField(
        required=False, label="Replace ship-to zones and links with those in the file")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError("The file is larger than 50 MB.")
        return upload


class ExportForm(forms.Form):
    template = forms.ChoiceField(choices=[("basic", "Basic"), ("full", "Full")], initial="basic")
    descendants = forms.BooleanField(required=False, label="With descendant companies")
