# Placeholder; replaced by the directory helper.
from django.http import HttpResponse


def organization_list(request):  # type: ignore[no-untyped-def]
    return HttpResponse("todo")


def directory_import(request):  # type: ignore[no-untyped-def]
    return HttpResponse("todo")


def organization_detail(request, pk):  # type: ignore[no-untyped-def]
    return HttpResponse("todo")
