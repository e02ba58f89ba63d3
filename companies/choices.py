"""Choices that carry the tone of the badge they are shown with, so templates never map values
to colours by hand: `badge ok` (green), `warn` (amber), `bad` (red), `info` (blue), or a plain
badge ("")."""

from typing import Any

from django.db import models


class BadgeChoices(models.TextChoices):
    """TextChoices whose members are declared as `NAME = value, tone, label`; `member.tone` is
    the badge's tone and `tone_of(value)` the tone of a stored value."""

    tone: str

    def __new__(cls, value: str, tone: str = "") -> "BadgeChoices":
        member = str.__new__(cls, value)
        member._value_ = value
        member.tone = tone
        return member

    @classmethod
    def tone_of(cls, value: Any) -> str:
        """The tone of a stored value; "" for a value the class does not list."""
        member = cls._value2member_map_.get(value)
        return member.tone if isinstance(member, BadgeChoices) else ""
