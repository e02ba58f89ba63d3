"""What happens to documents' background work whose worker died mid-task (R60); the handlers
run in the task's tenant scope (workers.heartbeat)."""

from django.utils import timezone

from documents.exposure_export import write_exposure_export
from documents.models import ExportStatus, ExposureExport
from documents.tasks import send_certificate_request
from workers.heartbeat import when_worker_died


@when_worker_died(write_exposure_export)
def export_died(kwargs: dict) -> None:
    """The export fails with the reason; its page offers to export again."""
    ExposureExport.objects.filter(
        pk=kwargs["export_id"], status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING]
    ).update(
        status=ExportStatus.FAILED,
        finished_at=timezone.now(),
        error="The worker writing this export stopped before it finished (killed, "
        "out of memory or restarted). Export again.",
    )


@when_worker_died(send_certificate_request)
def request_email_died(kwargs: dict) -> None:
    """Sending is retried: the task gives the request a fresh link and sends it (once more)."""
    send_certificate_request.enqueue(**kwargs)
