"""`manage.py db_worker`: django-tasks-db's worker with a heartbeat and dead-task recovery (R60).

It overrides the package's command of the same name (this app is listed before django_tasks_db),
so every worker started the documented way beats; options are the package's.
"""

from django_tasks_db.management.commands import db_worker as base

from workers.heartbeat import Heartbeat


class BeatingWorker(base.Worker):
    def run(self) -> None:
        self.heartbeat = Heartbeat(self.worker_id)
        self.heartbeat.start()  # beats and recovers dead tasks before the first claim
        try:
            super().run()
        finally:
            self.heartbeat.stop()

    def run_task(self, db_task_result) -> None:
        self.heartbeat.task = db_task_result.task_path
        try:
            super().run_task(db_task_result)
        finally:
            self.heartbeat.task = ""


class Command(base.Command):
    help = "Run a background worker that reports a heartbeat and recovers dead tasks"

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        reload,
        max_tasks,
        worker_id,
        exclude_queues,
        **options,
    ):
        import os

        from django.core.management.base import CommandError
        from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader

        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = BeatingWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only the reloader's child runs tasks
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
