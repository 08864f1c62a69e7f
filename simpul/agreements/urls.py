from django.urls import path

from simpul.agreements import views

app_name = "agreements"
urlpatterns = [
    path("", views.agreement_list, name="list"),
    path("new/", views.agreement_create, name="create"),
    path("<uuid:pk>/", views.agreement_detail, name="detail"),
    path("<uuid:pk>/edit/", views.agreement_edit, name="edit"),
    path("<uuid:pk>/activate/", views.agreement_activate, name="activate"),
    path("<uuid:pk>/terminate/", views.agreement_terminate, name="terminate"),
    path("documents/<uuid:pk>/", views.agreement_document, name="document"),
    path("<uuid:pk>/document/upload/", views.agreement_document_upload, name="document_upload"),
    path("protocols/", views.protocol_list, name="protocol_list"),
    path("protocols/new/", views.protocol_create, name="protocol_create"),
    path("protocols/<uuid:pk>/", views.protocol_detail, name="protocol_detail"),
    path("protocols/<uuid:pk>/versions/new/", views.version_create, name="version_create"),
    path("protocols/versions/<uuid:pk>/", views.version_detail, name="version_detail"),
    path("protocols/versions/<uuid:pk>/edit/", views.version_edit, name="version_edit"),
    path("protocols/versions/<uuid:pk>/approve/", views.version_approve, name="version_approve"),
    path("protocols/versions/<uuid:pk>/discard/", views.version_discard, name="version_discard"),
    path("protocols/versions/<uuid:pk>/pdf/", views.version_pdf, name="version_pdf"),
    path(
        "protocols/versions/<uuid:pk>/participants/",
        views.participant_add,
        name="participant_add",
    ),
    path(
        "protocols/participants/<uuid:pk>/remove/",
        views.participant_remove,
        name="participant_remove",
    ),
]
