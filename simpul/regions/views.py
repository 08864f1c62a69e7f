# Placeholder; replaced by the directory/regions helper.
from django.http import HttpResponse


def region_options(request):  # type: ignore[no-untyped-def]
    return HttpResponse("")
