from csp.decorators import csp_update
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from simpul.agreements.api import urlpatterns as agreement_urlpatterns
from simpul.api import hsds, views
from simpul.cases.api import urlpatterns as case_urlpatterns
from simpul.children.api import ChildViewSet
from simpul.referrals.api import urlpatterns as referral_urlpatterns

app_name = "api"

organizations = views.OrganizationViewSet
services = views.ServiceViewSet
regions = views.RegionViewSet

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI sets inline styles on the elements it builds; scripts stay 'self' only.
    path(
        "docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api:schema")
        ),
        name="docs",
    ),
    path("me/", views.MeView.as_view(), name="me"),
    path("organizations/", organizations.as_view({"get": "list"}), name="organization-list"),
    path(
        "organizations/<uuid:pk>/",
        organizations.as_view({"get": "retrieve", "patch": "partial_update"}),
        name="organization-detail",
    ),
    path("services/", services.as_view({"get": "list"}), name="service-list"),
    path(
        "services/<uuid:pk>/",
        services.as_view({"get": "retrieve", "patch": "partial_update"}),
        name="service-detail",
    ),
    path(
        "services/<uuid:pk>/capacity/",
        views.ServiceCapacityView.as_view(),
        name="service-capacity",
    ),
    path("regions/", regions.as_view({"get": "list"}), name="region-list"),
    path("regions/<str:code>/", regions.as_view({"get": "retrieve"}), name="region-detail"),
    path(
        "regions/<str:code>/children/",
        regions.as_view({"get": "children"}),
        name="region-children",
    ),
    # Children's registry (simpul.children.api)
    path("children/", ChildViewSet.as_view({"get": "list", "post": "create"}), name="child-list"),
    path(
        "children/<uuid:pk>/",
        ChildViewSet.as_view({"get": "retrieve", "patch": "partial_update"}),
        name="child-detail",
    ),
    path(
        "children/<uuid:pk>/duplicates/",
        ChildViewSet.as_view({"get": "duplicates"}),
        name="child-duplicates",
    ),
    # Open Referral HSDS 3.0
    path("hsds/", hsds.HsdsRootView.as_view(), name="hsds-root"),
    path("hsds/profile", hsds.HsdsProfileView.as_view(), name="hsds-profile"),
    path(
        "hsds/organizations",
        hsds.HsdsOrganizationListView.as_view(),
        name="hsds-organization-list",
    ),
    path(
        "hsds/organizations/<uuid:id>",
        hsds.HsdsOrganizationView.as_view(),
        name="hsds-organization-detail",
    ),
    path("hsds/services", hsds.HsdsServiceListView.as_view(), name="hsds-service-list"),
    path("hsds/services/<uuid:id>", hsds.HsdsServiceView.as_view(), name="hsds-service-detail"),
    path(
        "hsds/service_at_locations",
        hsds.HsdsServiceAtLocationListView.as_view(),
        name="hsds-service-at-location-list",
    ),
    path(
        "hsds/service_at_locations/<uuid:id>",
        hsds.HsdsServiceAtLocationView.as_view(),
        name="hsds-service-at-location-detail",
    ),
]

# Cases: /api/v1/cases/… (simpul/cases/api.py)
urlpatterns += case_urlpatterns

# Referrals: /api/v1/referrals/… (simpul/referrals/api.py)
urlpatterns += referral_urlpatterns

# Agreements and protocols: /api/v1/agreements/…, /api/v1/protocols/… (simpul/agreements/api.py)
urlpatterns += agreement_urlpatterns
