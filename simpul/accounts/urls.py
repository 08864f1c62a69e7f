from django.urls import path

from simpul.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("two-factor/", views.two_factor_view, name="two_factor"),
    path("profile/", views.profile_view, name="profile"),
    path("users/", views.organization_users, name="organization_users"),
]
