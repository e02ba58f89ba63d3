"""The name django-axes counts failed log-ins under (settings.AXES_USERNAME_CALLABLE).

Log-in is by email, case aside, so "Ann@x.com" and "ann@x.com" must count as one account:
otherwise each spelling gets its own five attempts and the lockout can be walked around.
"""


def lockout_username(request, credentials) -> str | None:
    value = (credentials or {}).get("username")
    if value is None and request is not None:
        value = request.POST.get("username")
    return value.strip().lower() if value else None
