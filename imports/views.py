from django.shortcuts import render


def import_start(request, tenant_slug):
    return render(request, "imports/import_start.html")
