"""Sign-in, two-factor, profile, invitations and organisation user management. Views are thin:
parse the input, call one selector or service, render."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, update_session_auth_hash
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login

from simpul.accounts import permissions, selectors, services
from simpul.accounts.forms import (
    ConfirmPasswordForm,
    InvitationAcceptForm,
    InvitationForm,
    LoginForm,
    MembershipRoleForm,
    ProfileForm,
    ProfilePasswordChangeForm,
    TokenForm,
)
from simpul.accounts.middleware import expects_two_factor
from simpul.accounts.models import Role
from simpul.accounts.qr import qr_svg
from simpul.core.exceptions import ApplicationError
from simpul.core.http import AuthenticatedHttpRequest
from simpul.core.pagination import paginate, querystring_without_page

SESSION_ENROL_SECRET = "simpul_totp_enrol_secret"


# --- helpers ---------------------------------------------------------------------------------
def _safe_next(request: HttpRequest, default: str | None = None) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(default or settings.LOGIN_REDIRECT_URL)


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


def _form_error(form: Any, exc: ApplicationError) -> None:
    """Put a service's error on the form: per field where it says so, else on the whole form."""
    for field, errors in exc.extra.items():
        if field in form.fields:
            for error in errors:
                form.add_error(field, error)
    form.add_error(None, exc.message)


# --- sign-in ---------------------------------------------------------------------------------
@login_not_required
@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request)
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request=request,
            username=form.cleaned_data["username"].strip().lower(),
            password=form.cleaned_data["password"],
        )
        if user is not None:
            auth_login(request, user)
            pending = expects_two_factor(user)
            services.user_sign_in_record(user=user, two_factor_pending=pending)
            return redirect(_with_next("accounts:two_factor", next_url) if pending else next_url)
        # One message for unknown e-mail and wrong password alike: do not reveal accounts.
        # After too many failures django-axes replaces this response with the lock-out page.
        form.add_error(None, _("The e-mail or password is wrong."))
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


@require_POST
def logout_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    auth_logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


# --- two-factor ------------------------------------------------------------------------------
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The second sign-in step: a code from the user's authenticator app."""
    next_url = _safe_next(request)
    user = request.user
    if user.is_verified():  # type: ignore[attr-defined]  # set by django-otp's middleware
        return redirect(next_url)
    device = selectors.user_confirmed_device(user=user)  # type: ignore[arg-type]
    if device is None:
        if user.requires_two_factor:  # type: ignore[union-attr]
            return redirect(_with_next("accounts:two_factor_setup", next_url))
        return redirect(next_url)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, locked_until = services.two_factor_verify(
            device=device, token=form.cleaned_data["token"]
        )
        if ok:
            otp_login(request, device)
            return redirect(next_url)
        if locked_until:
            form.add_error(
                None, _("Too many wrong codes. Wait a few seconds, then try again with a new code.")
            )
        else:
            form.add_error(
                "token",
                _("That code is not right. Check the time on your phone and try the newest code."),
            )
    return render(request, "accounts/two_factor.html", {"form": form, "next": next_url})


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Enrolment: scan the QR code (or type the secret), then confirm with a code."""
    user = request.user
    next_url = _safe_next(request, "accounts:profile")
    if selectors.user_has_confirmed_device(user=user):  # type: ignore[arg-type]
        return redirect(_with_next("accounts:two_factor", next_url))
    secret = request.session.get(SESSION_ENROL_SECRET) or services.totp_secret_generate()
    request.session[SESSION_ENROL_SECRET] = secret
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.totp_device_enrol(
            user=user, secret_b32=secret, token=form.cleaned_data["token"]
        )  # type: ignore[arg-type]
        if device is not None:
            del request.session[SESSION_ENROL_SECRET]
            otp_login(request, device)
            messages.success(request, _("Two-factor sign-in is on."))
            return redirect(next_url)
        form.add_error(
            "token",
            _("That code is not right. Scan the code again or check the time on your phone."),
        )
    config_url = services.totp_config_url(user=user, secret_b32=secret)  # type: ignore[arg-type]
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "next": next_url,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "qr": qr_svg(config_url, label=str(_("QR code for your authenticator app"))),
            "required": user.requires_two_factor,  # type: ignore[union-attr]
        },
    )


@require_POST
def two_factor_disable_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ConfirmPasswordForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.totp_device_disable(user=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Two-factor sign-in is off."))
        return redirect("accounts:profile")
    return _render_profile(request, disable_form=form, status=400)


# --- profile ---------------------------------------------------------------------------------
def _render_profile(
    request: AuthenticatedHttpRequest, status: int = 200, **overrides: Any
) -> HttpResponse:
    user = request.user
    context: dict[str, Any] = {
        "profile_form": ProfileForm(initial={"full_name": user.full_name, "phone": user.phone}),  # type: ignore[union-attr]
        "password_form": ProfilePasswordChangeForm(user),
        "disable_form": ConfirmPasswordForm(user=user),  # type: ignore[arg-type]
        "memberships": selectors.user_membership_list(user=user),  # type: ignore[arg-type]
        "has_device": selectors.user_has_confirmed_device(user=user),  # type: ignore[arg-type]
        "api_tokens": selectors.user_api_token_list(user=user),
        "api_token_valid_days": settings.API_TOKEN_VALID_DAYS,
        "new_token": None,
    }
    context.update(overrides)
    return render(request, "accounts/profile.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def profile_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            services.user_profile_update(user=request.user, **form.cleaned_data)
            messages.success(request, _("Your details are saved."))
            return redirect("accounts:profile")
        return _render_profile(request, profile_form=form, status=400)
    return _render_profile(request)


@sensitive_post_parameters()
@require_POST
def password_change_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ProfilePasswordChangeForm(request.user, request.POST)
    if form.is_valid():
        user = services.user_password_change(
            user=request.user, new_password=form.cleaned_data["new_password1"]
        )  # type: ignore[arg-type]
        update_session_auth_hash(request, user)  # stay signed in (and two-factor verified)
        messages.success(request, _("Your password is changed."))
        return redirect("accounts:profile")
    return _render_profile(request, password_form=form, status=400)


@never_cache
@require_POST
def api_token_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    key = services.api_token_create(user=request.user)
    # Rendered (not redirected) so the key appears exactly once and never sits in the session.
    return _render_profile(request, new_token=key)


@require_POST
def api_token_revoke_view(
    request: AuthenticatedHttpRequest, token_id: Any | None = None
) -> HttpResponse:
    if services.api_token_revoke(user=request.user, token_id=token_id):
        messages.success(request, _("The API token is revoked."))
    return redirect("accounts:profile")


@never_cache
@require_POST
def api_token_rotate_view(request: AuthenticatedHttpRequest, token_id: Any) -> HttpResponse:
    try:
        key = services.api_token_rotate(user=request.user, token_id=token_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:profile")
    return _render_profile(request, new_token=key)


# --- invitations: accepting (public) ---------------------------------------------------------
def _invalid_invitation(request: HttpRequest, reason: str, status: int) -> HttpResponse:
    return render(request, "accounts/invitation_invalid.html", {"reason": reason}, status=status)


@login_not_required
@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    invitation = selectors.invitation_get_by_token(raw_token=token)
    if invitation is None:
        return _invalid_invitation(request, "unknown", 404)
    if not invitation.is_pending:
        reason = (
            "accepted"
            if invitation.accepted_at
            else "revoked"
            if invitation.revoked_at
            else "expired"
        )
        return _invalid_invitation(request, reason, 410)
    if invitation.awaits_approval:
        return _invalid_invitation(request, "awaiting_approval", 409)
    context: dict[str, Any] = {"invitation": invitation}
    user = request.user
    if user.is_authenticated:
        if user.email.lower() != invitation.email.lower():  # type: ignore[union-attr]
            return render(
                request,
                "accounts/invitation_accept.html",
                {**context, "mode": "other_user"},
                status=403,
            )
        if request.method == "POST":
            try:
                services.invitation_accept(invitation=invitation, user=user)  # type: ignore[arg-type]
            except ApplicationError as exc:
                messages.error(request, exc.message)
                return redirect(request.path)
            messages.success(
                request, _("You have joined %(org)s.") % {"org": invitation.organization.name}
            )
            return redirect(settings.LOGIN_REDIRECT_URL)
        return render(request, "accounts/invitation_accept.html", {**context, "mode": "confirm"})
    if selectors.user_exists_with_email(email=invitation.email):
        login_url = _with_next("accounts:login", request.path)
        return render(
            request,
            "accounts/invitation_accept.html",
            {**context, "mode": "sign_in", "login_url": login_url},
        )
    form = InvitationAcceptForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            new_user = services.invitation_accept(
                invitation=invitation,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            auth_login(request, new_user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to Simpul. Your account is ready."))
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(
        request, "accounts/invitation_accept.html", {**context, "mode": "register", "form": form}
    )


# --- sign-in lock-outs (system admins) --------------------------------------------------------
@require_GET
def lockout_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.is_system_admin(request.user):
        raise PermissionDenied
    return render(
        request,
        "accounts/lockouts.html",
        {
            "page": paginate(request, selectors.recent_failed_sign_ins(user=request.user)),
            "qs": querystring_without_page(request),
            "account_limit": settings.AXES_FAILURE_LIMIT,
            "address_limit": settings.LOGIN_FAILURE_LIMIT_PER_IP,
        },
    )


@require_POST
def lockout_clear_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        count = services.lockout_clear(
            actor=request.user,
            username=request.POST.get("username", ""),
            ip_address=request.POST.get("ip_address", ""),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Unlocked (%(count)s records cleared).") % {"count": count})
    return redirect("accounts:lockouts")


# --- second-person approval of invitations (maker-checker) ------------------------------------
@require_GET
def invitation_approvals(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.has_role(Role.SYSTEM_ADMIN, Role.SUPERVISOR):
        raise PermissionDenied
    pending = selectors.invitation_approval_list(user=request.user)
    return render(
        request,
        "accounts/invitation_approvals.html",
        {"page": paginate(request, pending), "qs": querystring_without_page(request)},
    )


@require_POST
def invitation_approve_view(request: AuthenticatedHttpRequest, invitation_id: Any) -> HttpResponse:
    invitation = selectors.invitation_get_for_approval(
        user=request.user, invitation_id=invitation_id
    )
    try:
        services.invitation_approve(actor=request.user, invitation=invitation)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Approved. The invitation is sent to %(email)s.") % {"email": invitation.email},
        )
    return redirect("accounts:invitation_approvals")


@require_POST
def invitation_refuse_view(request: AuthenticatedHttpRequest, invitation_id: Any) -> HttpResponse:
    invitation = selectors.invitation_get_for_approval(
        user=request.user, invitation_id=invitation_id
    )
    services.invitation_refuse(actor=request.user, invitation=invitation)
    messages.success(
        request, _("Refused. The invitation for %(email)s is closed.") % {"email": invitation.email}
    )
    return redirect("accounts:invitation_approvals")


# --- organisation user management ------------------------------------------------------------
@require_GET
def organization_users(request: AuthenticatedHttpRequest) -> HttpResponse:
    organizations = selectors.manageable_organization_list(user=request.user)
    count = organizations.count()
    if count == 0:
        raise PermissionDenied
    if count == 1:
        return redirect("accounts:organization_user_list", organization_id=organizations.get().pk)
    return render(
        request,
        "accounts/organization_list.html",
        {
            "page": paginate(request, organizations),
            "qs": querystring_without_page(request),
        },
    )


def _org(request: AuthenticatedHttpRequest, organization_id: Any) -> Any:
    return selectors.organization_get_manageable(user=request.user, organization_id=organization_id)


@require_GET
def organization_user_list(request: AuthenticatedHttpRequest, organization_id: Any) -> HttpResponse:
    org = _org(request, organization_id)
    members = selectors.organization_member_list(user=request.user, organization=org)
    pending = selectors.organization_invitation_list(user=request.user, organization=org)
    return render(
        request,
        "accounts/organization_users.html",
        {
            "organization": org,
            "page": paginate(request, members),
            "qs": querystring_without_page(request),
            "pending_count": pending.count(),
        },
    )


@require_GET
def organization_invitations(
    request: AuthenticatedHttpRequest, organization_id: Any
) -> HttpResponse:
    org = _org(request, organization_id)
    pending = selectors.organization_invitation_list(user=request.user, organization=org)
    return render(
        request,
        "accounts/invitation_list.html",
        {
            "organization": org,
            "page": paginate(request, pending),
            "qs": querystring_without_page(request),
        },
    )


@require_http_methods(["GET", "POST"])
def invitation_create_view(request: AuthenticatedHttpRequest, organization_id: Any) -> HttpResponse:
    org = _org(request, organization_id)
    roles = permissions.grantable_roles(request.user, org)
    form = InvitationForm(request.POST or None, organization=org, roles=roles)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = services.invitation_create(
                actor=request.user,
                organization=org,  # type: ignore[arg-type]
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                region_scope=form.cleaned_data.get("region_scope"),
            )
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            if invitation.awaits_approval:
                messages.success(
                    request,
                    _(
                        "Invitation for %(email)s created. It is sent once a second person "
                        "(another supervisor or system admin) approves it."
                    )
                    % {"email": invitation.email},
                )
            else:
                messages.success(
                    request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
                )
            return redirect("accounts:organization_invitations", organization_id=org.pk)
    status = 400 if form.is_bound else 200
    return render(
        request, "accounts/invitation_form.html", {"organization": org, "form": form}, status=status
    )


@require_POST
def invitation_resend_view(
    request: AuthenticatedHttpRequest, organization_id: Any, invitation_id: Any
) -> HttpResponse:
    org = _org(request, organization_id)
    invitation = selectors.invitation_get_manageable(
        user=request.user, organization=org, invitation_id=invitation_id
    )  # type: ignore[arg-type]
    try:
        services.invitation_resend(actor=request.user, invitation=invitation)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("A new link was sent to %(email)s.") % {"email": invitation.email}
        )
    return redirect("accounts:organization_invitations", organization_id=org.pk)


@require_POST
def invitation_revoke_view(
    request: AuthenticatedHttpRequest, organization_id: Any, invitation_id: Any
) -> HttpResponse:
    org = _org(request, organization_id)
    invitation = selectors.invitation_get_manageable(
        user=request.user, organization=org, invitation_id=invitation_id
    )  # type: ignore[arg-type]
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The invitation for %(email)s is revoked.") % {"email": invitation.email}
        )
    return redirect("accounts:organization_invitations", organization_id=org.pk)


def _membership(
    request: AuthenticatedHttpRequest, organization_id: Any, membership_id: Any
) -> tuple[Any, Any]:
    org = _org(request, organization_id)
    membership = selectors.membership_get_manageable(
        user=request.user,
        organization=org,
        membership_id=membership_id,  # type: ignore[arg-type]
    )
    return org, membership


@require_http_methods(["GET", "POST"])
def membership_detail(
    request: AuthenticatedHttpRequest, organization_id: Any, membership_id: Any
) -> HttpResponse:
    org, membership = _membership(request, organization_id, membership_id)
    roles = permissions.grantable_roles(request.user, org)
    can_change = membership.role in roles
    form = MembershipRoleForm(
        request.POST or None,
        organization=org,
        roles=roles,
        initial={"role": membership.role, "region_scope": membership.region_scope_id},
    )
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.membership_update_role(
                    actor=request.user,
                    membership=membership,
                    role=form.cleaned_data["role"],  # type: ignore[arg-type]
                    region_scope=form.cleaned_data.get("region_scope"),
                )
            except ApplicationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("The role is saved."))
                return redirect(
                    "accounts:membership_detail",
                    organization_id=org.pk,
                    membership_id=membership.pk,
                )
    status = 400 if form.is_bound else 200
    return render(
        request,
        "accounts/membership_detail.html",
        {
            "organization": org,
            "membership": membership,
            "form": form,
            "can_change": can_change,
        },
        status=status,
    )


def _membership_action(
    request: AuthenticatedHttpRequest,
    organization_id: Any,
    membership_id: Any,
    service: Any,
    done: Any,
) -> HttpResponseRedirect:
    org, membership = _membership(request, organization_id, membership_id)
    try:
        service(actor=request.user, membership=membership)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(
        "accounts:membership_detail", organization_id=org.pk, membership_id=membership.pk
    )


@require_POST
def membership_deactivate_view(
    request: AuthenticatedHttpRequest, organization_id: Any, membership_id: Any
) -> HttpResponse:
    return _membership_action(
        request,
        organization_id,
        membership_id,
        services.membership_deactivate,
        _("The membership is deactivated."),
    )


@require_POST
def membership_reactivate_view(
    request: AuthenticatedHttpRequest, organization_id: Any, membership_id: Any
) -> HttpResponse:
    return _membership_action(
        request,
        organization_id,
        membership_id,
        services.membership_reactivate,
        _("The membership is active again."),
    )
