"""One rule for opening a restricted record, tried on every path that opens one: the child's
profile, its document download, the case workspace, the children API and the cases API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from simpul.access.restricted import SESSION_KEY, restricted_reason_clean
from simpul.accounts.models import Role
from simpul.children import services as child_services
from simpul.children.models import ChildDocument
from simpul.core.exceptions import ApplicationError
from simpul.core.models import AccessLog
from simpul.testing.auth import login_verified
from simpul.testing.factories import CaseFactory, make_user, sudin

pytestmark = pytest.mark.django_db

NAME, MOTHER = "Dedi Kurniawan", "Sumarni Wulandari"
BAD_REASONS = ["", "x", "abc", "xxxxxxxxxxxx", "          ", "1111111111111"]
GOOD_REASON = "Rapat koordinasi kasus besok pagi"


@pytest.fixture
def registrar():
    return make_user(Role.CASE_WORKER, sudin("31.75"))


@pytest.fixture
def supervisor():
    # In the kota's scope but not assigned to the case: a reason is needed.
    return make_user(Role.SUPERVISOR, sudin("31.75"))


@pytest.fixture
def restricted(registrar):
    child = child_services.child_register(
        actor=registrar,
        data={
            "full_name": NAME,
            "sex": "M",
            "birth_date": dt.date(2013, 5, 2),
            "mother_name": MOTHER,
            "current_kelurahan": "31.75.01.1001",
        },
        aliases=(),
        guardians=(),
        confirm_not_duplicate_of=[],
    )
    case = CaseFactory(child=child, is_sensitive=True, kota_code="31.75")
    return child, case


def opened(child) -> int:
    return AccessLog.objects.filter(child_id=str(child.pk), action="open_restricted").count()


@pytest.mark.parametrize("reason", BAD_REASONS)
def test_the_rule_refuses_reasons_that_say_nothing(reason):
    with pytest.raises(ApplicationError):
        restricted_reason_clean(reason)


def test_the_rule_accepts_a_real_reason_and_normalises_it():
    assert restricted_reason_clean("  Rapat   koordinasi  besok ") == "Rapat koordinasi besok"


def test_prompt_pages_show_no_identity(client, supervisor, restricted):
    child, case = restricted
    login_verified(client, supervisor)
    for url in (
        reverse("children:detail", args=[child.pk]),
        reverse("cases:restricted_open", args=[case.pk]),
        reverse("cases:open", args=[child.pk]),  # finding 5: "Buka kasus untuk <name>"
    ):
        body = client.get(url).content.decode()
        assert NAME not in body and MOTHER not in body, url
        assert "Dedi" not in body and "Kurniawan" not in body, url
    assert opened(child) == 0


@pytest.mark.parametrize("reason", ["x", "xxxxxxxxxxxx", "short"])
def test_child_profile_refuses_a_poor_reason_and_logs_nothing(
    client, supervisor, restricted, reason
):
    child, _ = restricted
    login_verified(client, supervisor)
    url = reverse("children:detail", args=[child.pk])
    page = client.post(url, {"reason": reason})
    assert page.status_code == 200 and NAME not in page.content.decode()
    assert opened(child) == 0
    assert NAME not in client.get(url).content.decode()


@pytest.mark.parametrize("reason", ["x", "xxxxxxxxxxxx"])
def test_case_open_page_refuses_a_poor_reason_and_logs_nothing(
    client, supervisor, restricted, reason
):
    child, case = restricted
    login_verified(client, supervisor)
    page = client.post(reverse("cases:restricted_open", args=[case.pk]), {"reason": reason})
    assert page.status_code == 200
    assert opened(child) == 0
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 302


def test_a_good_reason_opens_the_child_and_its_case_for_eight_hours(client, supervisor, restricted):
    child, case = restricted
    login_verified(client, supervisor)
    profile = reverse("children:detail", args=[child.pk])
    assert client.post(profile, {"reason": GOOD_REASON}).status_code == 302
    entry = AccessLog.objects.get(child_id=str(child.pk), action="open_restricted")
    assert entry.reason == GOOD_REASON and NAME not in entry.target_repr
    assert NAME in client.get(profile).content.decode()
    # One grant per child: the case opens without asking again.
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    assert opened(child) == 1
    # After 8 hours the grant has expired.
    session = client.session
    grants = session[SESSION_KEY]
    grants[str(child.pk)] = (
        dt.datetime.fromisoformat(grants[str(child.pk)]) - dt.timedelta(hours=8, minutes=1)
    ).isoformat()
    session[SESSION_KEY] = grants
    session.save()
    assert NAME not in client.get(profile).content.decode()
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 302


def test_the_case_reason_opens_the_child_profile(client, supervisor, restricted):
    child, case = restricted
    login_verified(client, supervisor)
    assert (
        client.post(
            reverse("cases:restricted_open", args=[case.pk]), {"reason": GOOD_REASON}
        ).status_code
        == 302
    )
    assert NAME in client.get(reverse("children:detail", args=[child.pk])).content.decode()


def test_document_download_needs_the_reason(
    client, supervisor, registrar, restricted, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    child, _ = restricted
    child_services.document_upload(
        actor=registrar,
        child=child,
        kind=ChildDocument.Kind.REPORT,
        file=SimpleUploadedFile(
            "laporan.pdf", b"%PDF-1.4\n" + b"x" * 100, content_type="application/pdf"
        ),
    )
    doc = ChildDocument.objects.get(child=child)
    login_verified(client, supervisor)
    url = reverse("children:document_download", args=[doc.pk])
    assert client.get(url).status_code == 302  # back to the prompt
    assert (
        client.post(
            reverse("children:detail", args=[child.pk]), {"reason": GOOD_REASON}
        ).status_code
        == 302
    )
    assert client.get(url).status_code == 200


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.mark.parametrize("reason", ["", "x", "xxxxxxxxxxxx"])
def test_apis_refuse_a_poor_reason_and_log_nothing(supervisor, restricted, reason):
    child, case = restricted
    api = _api(supervisor)
    child_resp = api.get(f"/api/v1/children/{child.pk}/", {"reason": reason} if reason else {})
    case_resp = api.get(f"/api/v1/cases/{case.pk}/", {"reason": reason} if reason else {})
    assert child_resp.status_code in (400, 403), child_resp.content
    assert case_resp.status_code in (400, 403), case_resp.content
    assert NAME not in child_resp.content.decode() + case_resp.content.decode()
    assert opened(child) == 0


def test_apis_accept_a_good_reason_and_log_it(supervisor, restricted):
    child, case = restricted
    api = _api(supervisor)
    assert api.get(f"/api/v1/children/{child.pk}/", {"reason": GOOD_REASON}).status_code == 200
    assert api.get(f"/api/v1/cases/{case.pk}/", {"reason": GOOD_REASON}).status_code == 200
    reasons = set(
        AccessLog.objects.filter(child_id=str(child.pk), action="open_restricted").values_list(
            "reason", flat=True
        )
    )
    assert reasons == {GOOD_REASON}
    assert opened(child) == 2
