from django.contrib.auth.forms import PasswordResetForm

from accounts.tasks import send_password_reset
from companies.forms import StorableTextMixin


class QueuedPasswordResetForm(StorableTextMixin, PasswordResetForm):
    """Password reset whose email is made and sent by the background worker.

    Only the user's id goes into the task queue: the worker makes the reset token itself, so
    the link (a key to the account for days) is never stored in the task table, where anyone
    reading task rows or a database dump would find it.
    """

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        send_password_reset.enqueue(
            user_id=context["user"].pk,
            domain=context["domain"],
            site_name=context["site_name"],
            protocol=context["protocol"],
            subject_template_name=subject_template_name,
            email_template_name=email_template_name,
            html_email_template_name=html_email_template_name,
        )
