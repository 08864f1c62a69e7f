from django.urls import path

from simpul.access import views

app_name = "access"
urlpatterns = [
    path("", views.audit_list, name="audit"),
    path("access-log/", views.access_log_page, name="access_log"),
    path("access-log/export/", views.access_log_export, name="access_log_export"),
]
