from django.conf import settings
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

urlpatterns = [
    path("", include("simpul.core.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("simpul.accounts.urls")),
    path("regions/", include("simpul.regions.urls")),
    path("directory/", include("simpul.directory.urls")),
    path("api/v1/", include("simpul.api.urls")),
]

if settings.DEBUG:  # pragma: no cover - media files are served by the web server in production
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
