from django.urls import path

from simpul.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.organization_list, name="list"),
    path("new/", views.organization_create, name="create"),
    path("export/", views.directory_export, name="export"),
    path("import/", views.directory_import, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("picker/", views.organization_picker, name="picker"),
    path("<uuid:pk>/", views.organization_detail, name="detail"),
    path("<uuid:pk>/edit/", views.organization_edit, name="edit"),
    path("<uuid:pk>/services/new/", views.service_create, name="service_create"),
    path("<uuid:pk>/locations/new/", views.location_create, name="location_create"),
    path("services/<uuid:pk>/edit/", views.service_edit, name="service_edit"),
    path("services/<uuid:pk>/capacity/", views.service_capacity, name="service_capacity"),
    path("locations/<uuid:pk>/edit/", views.location_edit, name="location_edit"),
]
