from django.contrib import admin

from workers.heartbeat import SILENT_SECONDS
from workers.models import WorkerBeat


@admin.register(WorkerBeat)
class WorkerBeatAdmin(admin.ModelAdmin):
    """The workers and their last beat (R44, R60); read only, written by the workers."""

    list_display = ["host", "pid", "worker_id", "started_at", "beat_at", "alive", "task"]
    list_filter = ["host"]
    search_fields = ["host", "worker_id", "task"]

    @admin.display(boolean=True, description=f"beat in the last {SILENT_SECONDS} s")
    def alive(self, beat):
        from workers.heartbeat import is_alive

        return is_alive(beat)

    # Workers serve every tenant: only superusers (platform operators) see them.
    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
