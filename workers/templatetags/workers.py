"""`{% worker_notice "what waits" %}`: the plain warning of pages that wait on a worker (R60)."""

from django import template

from workers.heartbeat import any_worker_alive, last_beat

register = template.Library()


@register.inclusion_tag("workers/_notice.html")
def worker_notice(waiting: str = "This") -> dict:
    """Shown only when no worker has beat for SILENT_SECONDS; `waiting` names what waits."""
    if any_worker_alive():
        return {"show": False}
    return {"show": True, "waiting": waiting, "last_beat": last_beat()}
