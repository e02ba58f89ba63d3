"""Background tasks on one tenant's data run inside that tenant's scope (R4, R47).

A task takes ids, never model instances (its arguments are stored as JSON), and among them the
`tenant_id` of the data it works on. `@tenant_task()` is django-tasks' `@task()` plus the scope:
the body runs inside `scope(tenant=tenant_id)` on whichever worker picks it up, as a request's
view runs inside its tenant's scope (companies.middleware). Services therefore never enter a
scope themselves; their callers have one: views from the middleware, tasks from here, commands
from `companies.commands.tenant_scope`.
"""

import functools
import inspect
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from django_scopes import scope
from django_tasks import task
from django_tasks.base import Task

P = ParamSpec("P")
T = TypeVar("T")

TENANT_ARGUMENT = "tenant_id"


def tenant_task(**options: Any) -> Callable[[Callable[P, T]], Task[P, T]]:
    """`@tenant_task()` (the options are `task()`'s, e.g. `queue_name`) for a module-level
    function with a keyword-only `tenant_id: int`; the function still receives it. Raises
    TypeError at import time for a function without one."""

    def decorate(function: Callable[P, T]) -> Task[P, T]:
        parameter = inspect.signature(function).parameters.get(TENANT_ARGUMENT)
        if parameter is None or parameter.kind is not inspect.Parameter.KEYWORD_ONLY:
            raise TypeError(f"{function.__qualname__} needs a keyword-only {TENANT_ARGUMENT}.")

        @functools.wraps(function)  # same module path: the worker finds the task by it
        def in_tenant_scope(*args: P.args, **kwargs: P.kwargs) -> T:
            with scope(tenant=kwargs[TENANT_ARGUMENT]):
                return function(*args, **kwargs)

        in_tenant_scope.tenant_scoped = True  # type: ignore[attr-defined]
        return task(**options)(in_tenant_scope)

    return decorate


def is_tenant_task(candidate: Task) -> bool:
    """Whether a django-tasks Task was made by `tenant_task` (its body runs scoped)."""
    return getattr(candidate.func, "tenant_scoped", False)
