"""Background workers' heartbeats (R60): one row per running `db_worker` process."""

from django.db import models


class WorkerBeat(models.Model):
    """A worker's last sign of life; its beat thread updates `beat_at` every few seconds
    (workers.heartbeat.BEAT_SECONDS) and deletes the row when the worker stops cleanly."""

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)
    task = models.CharField("current task", max_length=200, blank=True)

    class Meta:
        ordering = ["-beat_at"]
        verbose_name = "worker"

    def __str__(self):
        return f"{self.host}:{self.pid}"
