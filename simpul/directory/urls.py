from django.urls import path

from simpul.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.organization_list, name="list"),
    path("import/", views.directory_import, name="import"),
    path("<uuid:pk>/", views.organization_detail, name="detail"),
]
