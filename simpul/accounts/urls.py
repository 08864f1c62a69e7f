from django.urls import path

from simpul.accounts import views

app_name = "accounts"

_org = "users/<uuid:organization_id>/"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("two-factor/", views.two_factor_view, name="two_factor"),
    path("two-factor/setup/", views.two_factor_setup_view, name="two_factor_setup"),
    path("profile/", views.profile_view, name="profile"),
    path("profile/password/", views.password_change_view, name="password_change"),
    path("profile/two-factor/disable/", views.two_factor_disable_view, name="two_factor_disable"),
    path("profile/api-token/", views.api_token_create_view, name="api_token_create"),
    path("profile/api-token/revoke/", views.api_token_revoke_view, name="api_token_revoke"),
    path(
        "profile/api-token/<uuid:token_id>/revoke/",
        views.api_token_revoke_view,
        name="api_token_revoke_one",
    ),
    path(
        "profile/api-token/<uuid:token_id>/rotate/",
        views.api_token_rotate_view,
        name="api_token_rotate",
    ),
    path("invitations/<str:token>/", views.invitation_accept_view, name="invitation_accept"),
    path("lockouts/", views.lockout_list, name="lockouts"),
    path("lockouts/unlock/", views.lockout_clear_view, name="lockout_clear"),
    path("approvals/", views.invitation_approvals, name="invitation_approvals"),
    path(
        "approvals/<uuid:invitation_id>/approve/",
        views.invitation_approve_view,
        name="invitation_approve",
    ),
    path(
        "approvals/<uuid:invitation_id>/refuse/",
        views.invitation_refuse_view,
        name="invitation_refuse",
    ),
    path("users/", views.organization_users, name="organization_users"),
    path(_org, views.organization_user_list, name="organization_user_list"),
    path(_org + "invitations/", views.organization_invitations, name="organization_invitations"),
    path(_org + "invitations/new/", views.invitation_create_view, name="invitation_create"),
    path(
        _org + "invitations/<uuid:invitation_id>/resend/",
        views.invitation_resend_view,
        name="invitation_resend",
    ),
    path(
        _org + "invitations/<uuid:invitation_id>/revoke/",
        views.invitation_revoke_view,
        name="invitation_revoke",
    ),
    path(_org + "members/<uuid:membership_id>/", views.membership_detail, name="membership_detail"),
    path(
        _org + "members/<uuid:membership_id>/deactivate/",
        views.membership_deactivate_view,
        name="membership_deactivate",
    ),
    path(
        _org + "members/<uuid:membership_id>/reactivate/",
        views.membership_reactivate_view,
        name="membership_reactivate",
    ),
]
