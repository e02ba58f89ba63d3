"""Dashboard panels. Each app registers a function that returns its panels for a request,
so the dashboard shows what the later apps add without companies importing them.

A panel is a card ({"title", "value", "note", "url", "tone"}), or, when it has a "template", a
figure drawn full width under the cards: the template is included with the panel's "map" or
"chart" (the exposure map and the expiry chart, R62)."""

from collections.abc import Callable

from companies.tenancy import TenantRequest

Provider = Callable[[TenantRequest], list[dict]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    _providers.append(provider)
    return provider


def dashboard_panels(request) -> list[dict]:
    panels = []
    for provider in _providers:
        panels.extend(provider(request))
    return panels


@register
def company_panels(request):
    from companies.tenancy import reachable_companies

    company = request.working_company
    descendants = company.get_descendant_count() if company else 0
    return [
        {
            "title": "Companies you reach",
            "value": reachable_companies(request.membership).count(),
            "note": f"{company.name}: {descendants} below it" if company else "No company yet",
        },
    ]
