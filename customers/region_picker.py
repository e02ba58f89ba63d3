"""The region picker shared by every form that picks several regions (documents, requests, the
public upload page): grouped checkboxes (US states; DC and territories; Canada) that post
without JavaScript, with a filter box the small script shows (static/js/certhub.js)."""

from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string

from companies.text import forbidden_message
from customers.regions import REGION_NAMES, region_groups, split_regions


class RegionCheckboxes(forms.CheckboxSelectMultiple):
    template_name = "includes/widgets/region_checkboxes.html"

    def id_for_label(self, id_, index=None):
        return ""  # the label names the group; each checkbox has its own label

    def render(self, name, value, attrs=None, renderer=None):
        # The project's templates, whatever the form renderer.
        return render_to_string(self.template_name, self.get_context(name, value, attrs))


class RegionsField(forms.MultipleChoiceField):
    """Region codes, from the checkboxes or typed as a list ("TX, CA;ON"): each posted value
    is split as `split_regions` does; duplicates go, order is kept."""

    widget = RegionCheckboxes

    def __init__(self, **kwargs):
        super().__init__(choices=region_groups, **kwargs)

    def to_python(self, value):
        values = super().to_python(value)
        for text in values:  # R49, as for text fields: a character that cannot be stored
            message = forbidden_message(str(self.label or "Regions"), text)
            if message:
                raise ValidationError(message, code="forbidden_character")
        return list(dict.fromkeys(code for text in values for code in split_regions(text)))

    def validate(self, value):
        if self.required and not value:
            raise ValidationError("Pick at least one region.")
        unknown = [code for code in value if code not in REGION_NAMES]
        if unknown:
            raise ValidationError(f"Unknown region: {', '.join(unknown)}.")
