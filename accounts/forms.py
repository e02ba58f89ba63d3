from django.contrib.auth.forms import PasswordResetForm
from django.template import loader

from accounts.tasks import send_email


class QueuedPasswordResetForm(PasswordResetForm):
    """Password reset whose email is sent by the background worker."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email,
                  to_email, html_email_template_name=None):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        send_email.enqueue(subject=subject, body=body, to=[to_email])
