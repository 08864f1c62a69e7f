from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

urlpatterns = [
    path("", include("simpul.core.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("simpul.accounts.urls")),
    path("regions/", include("simpul.regions.urls")),
    path("directory/", include("simpul.directory.urls")),
    path("children/", include("simpul.children.urls")),
    path("cases/", include("simpul.cases.urls")),
    path("audit/", include("simpul.access.urls")),
    path("notifications/", include("simpul.notifications.urls")),
    path("agreements/", include("simpul.agreements.urls")),
    path("referrals/", include("simpul.referrals.urls")),
    path("api/v1/", include("simpul.api.urls")),
]

# No media route: every uploaded file (children's documents) is served only through
# permission-checked, logged views.

# The API answers in JSON even where no route matches (simpul.core.views).
handler404 = "simpul.core.views.page_not_found"
handler500 = "simpul.core.views.server_error"
