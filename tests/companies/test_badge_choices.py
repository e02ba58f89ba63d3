"""Status choices carry the tone of their badge (issue 15): templates show the tone the choices
class names, and every tone is one the stylesheet draws."""

import re
from pathlib import Path

from companies.choices import BadgeChoices
from documents.models import DocumentStatus, NoteKind, RequestStatus, ShownStatus, shown_tone
from imports.models import Status
from security.models import EventKind

CSS = Path(__file__).resolve().parents[2] / "static" / "css"


def test_every_badge_tone_is_drawn_by_the_stylesheet():
    """Each tone a choices class names has a `.badge.<tone>` rule (or is the plain badge)."""
    css = "".join(path.read_text() for path in CSS.glob("*.css"))
    drawn = set(re.findall(r"\.badge\.([a-z]+)", css)) | {""}
    for choices in (DocumentStatus, ShownStatus, RequestStatus, NoteKind, Status, EventKind):
        assert issubclass(choices, BadgeChoices)
        for member in choices:
            assert member.tone in drawn, (choices.__name__, member, member.tone)


def test_tones_of_stored_and_shown_statuses():
    """A stored value finds its member's tone; "expired" (never stored) is amber (R21, R30)."""
    assert DocumentStatus.tone_of("valid") == "ok"
    assert DocumentStatus.tone_of("voided") == ""
    assert shown_tone("expired", DocumentStatus) == "warn"
    assert shown_tone("cancelled", RequestStatus) == "bad"
    assert Status.tone_of("not a status") == ""
    assert DocumentStatus.choices == [
        ("pending", "Pending"),
        ("valid", "Valid"),
        ("invalid", "Invalid"),
        ("voided", "Voided"),
    ]
