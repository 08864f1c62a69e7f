from django.urls import path

from simpul.children import import_views, views

app_name = "children"

urlpatterns = [
    path("", views.child_search, name="search"),
    path("register/", views.child_register, name="register"),
    path("merge/", views.child_merge, name="merge"),
    path("import/", import_views.import_list, name="import"),
    path("import/template.xlsx", import_views.import_template, name="import_template"),
    path("import/<uuid:pk>/", import_views.import_detail, name="import_detail"),
    path("import/<uuid:pk>/progress/", import_views.import_progress, name="import_progress"),
    path("import/<uuid:pk>/decide/", import_views.import_decide, name="import_decide"),
    path("import/<uuid:pk>/cancel/", import_views.import_cancel, name="import_cancel"),
    path("merges/<uuid:pk>/undo/", views.merge_undo, name="merge_undo"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("duplicates/scan/", views.duplicate_scan_start, name="duplicate_scan_start"),
    path(
        "duplicates/scan/<uuid:pk>/progress/",
        views.duplicate_scan_progress,
        name="duplicate_scan_progress",
    ),
    path("duplicates/pairs/<uuid:pk>/", views.duplicate_pair, name="duplicate_pair"),
    path("documents/<uuid:pk>/download/", views.document_download, name="document_download"),
    path("documents/<uuid:pk>/delete/", views.document_delete, name="document_delete"),
    path("<uuid:pk>/", views.child_detail, name="detail"),
    path("<uuid:pk>/edit/", views.child_edit, name="edit"),
    path("<uuid:pk>/duplicates/", views.child_duplicates, name="duplicates_of"),
    path("<uuid:pk>/aliases/", views.child_aliases, name="aliases"),
    path(
        "<uuid:pk>/aliases/<uuid:alias_pk>/remove/", views.child_alias_remove, name="alias_remove"
    ),
    path("<uuid:pk>/guardians/add/", views.guardian_edit, name="guardian_add"),
    path("<uuid:pk>/guardians/<uuid:guardian_pk>/", views.guardian_edit, name="guardian_edit"),
    path(
        "<uuid:pk>/guardians/<uuid:guardian_pk>/remove/",
        views.guardian_remove,
        name="guardian_remove",
    ),
    path("<uuid:pk>/classification/", views.child_classification, name="classification"),
    path(
        "<uuid:pk>/classification/<uuid:classification_pk>/end/",
        views.child_unclassify,
        name="unclassify",
    ),
    path("<uuid:pk>/consents/add/", views.consent_add, name="consent_add"),
    path(
        "<uuid:pk>/consents/<uuid:consent_pk>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("<uuid:pk>/legal-basis/add/", views.legal_basis_add, name="legal_basis_add"),
    path("<uuid:pk>/documents/add/", views.document_add, name="document_add"),
]
