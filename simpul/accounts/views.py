# Placeholder views; the accounts helper replaces this module.
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.views.decorators.http import require_POST

login_view = login_not_required(auth_views.LoginView.as_view(template_name="accounts/login.html"))
logout_view = require_POST(auth_views.LogoutView.as_view())


def two_factor_view(request):  # type: ignore[no-untyped-def]
    return HttpResponse("todo")


def profile_view(request):  # type: ignore[no-untyped-def]
    return HttpResponse("todo")


def organization_users(request):  # type: ignore[no-untyped-def]
    return HttpResponse("todo")
