from django.urls import path

from simpul.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("preferences/", views.preferences, name="preferences"),
    path("<uuid:pk>/read/", views.mark_read, name="mark_read"),
    path("<uuid:pk>/open/", views.open_notification, name="open"),
]
