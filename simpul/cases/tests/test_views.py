"""Case screens: scoping (404/403), partner view, restricted cases, access log, queue, forms."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from simpul.cases import services
from simpul.cases.models import Case, CaseAssignment, CaseStatus, SlaPolicy
from simpul.cases.tests.conftest import FULL, INITIAL, approve_plan, open_case
from simpul.core.models import AccessLog
from simpul.testing.auth import login, login_verified
from simpul.testing.factories import ChildFactory, term

TABS = ["detail", "assessments", "plan", "services", "notes", "placements", "documents", "timeline"]


@pytest.fixture
def partner_case(case, worker, supervisor, partner_org, sharing_allowed):
    """The partner is responsible for an action of the APPROVED plan (a draft grants nothing)."""
    plan = services.plan_create(actor=worker, case=case)
    goal = services.plan_goal_add(actor=worker, plan=plan, description="Sekolah")
    services.plan_action_add(
        actor=worker,
        goal=goal,
        description="Bimbel",
        responsible_organization=partner_org,
        due_date=dt.date(2030, 1, 1),
    )
    services.plan_action_add(
        actor=worker,
        goal=goal,
        description="Kunjungan rumah",
        responsible_organization=case.lead_organization,
        due_date=dt.date(2030, 1, 1),
    )
    approve_plan(plan, worker, supervisor)
    return Case.objects.get(pk=case.pk)


@pytest.mark.parametrize("tab", TABS)
def test_worker_sees_every_tab_and_each_view_is_logged(client, case, worker, tab):
    login(client, worker)
    before = AccessLog.objects.filter(action="view", child_id=str(case.child_id)).count()
    response = client.get(reverse(f"cases:{tab}", args=[case.pk]))
    assert response.status_code == 200
    assert case.case_number in response.content.decode()
    assert (
        AccessLog.objects.filter(action="view", child_id=str(case.child_id), user=worker).count()
        == before + 1
    )


def test_summary_shows_next_steps_as_buttons(client, case, worker):
    login(client, worker)
    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'name="to_status" value="registered"' in body
    response = client.post(reverse("cases:transition", args=[case.pk]), {"to_status": "registered"})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REGISTERED


def test_illegal_transition_post_shows_message_and_changes_nothing(client, case, worker):
    login(client, worker)
    response = client.post(
        reverse("cases:transition", args=[case.pk]), {"to_status": "closed"}, follow=True
    )
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REPORTED
    assert "message error" in response.content.decode()


def test_colleague_not_assigned_gets_404(client, case, colleague):
    login(client, colleague)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404


def test_supervisor_of_other_kota_gets_404(client, case, other_supervisor):
    login_verified(client, other_supervisor)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert (
        client.post(
            reverse("cases:close_decide", args=[case.pk]), {"decision": "approve"}
        ).status_code
        == 404
    )


def test_partner_sees_limited_tabs(client, partner_case, partner):
    login(client, partner)
    response = client.get(reverse("cases:detail", args=[partner_case.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("cases:assessments", args=[partner_case.pk]) not in body
    for tab in ("assessments", "notes", "documents", "timeline"):
        assert client.get(reverse(f"cases:{tab}", args=[partner_case.pk])).status_code == 403
    for tab in ("plan", "services", "placements"):
        assert client.get(reverse(f"cases:{tab}", args=[partner_case.pk])).status_code == 200
    assert (
        client.post(
            reverse("cases:transition", args=[partner_case.pk]), {"to_status": "registered"}
        ).status_code
        == 403
    )


def test_partner_services_tab_shows_only_own(client, partner_case, partner, partner_org, worker):
    st = term("service-type", "residential-care")
    services.service_delivery_record(
        actor=worker,
        case=partner_case,
        service_type=st,
        organization=partner_case.lead_organization,
        delivered_on=timezone.localdate(),
        description="Layanan Sudin rahasia",
    )
    services.service_delivery_record(
        actor=partner,
        case=partner_case,
        service_type=st,
        organization=partner_org,
        delivered_on=timezone.localdate(),
        description="Bimbel minggu ini",
    )
    login(client, partner)
    body = client.get(reverse("cases:services", args=[partner_case.pk])).content.decode()
    assert "Bimbel minggu ini" in body and "Layanan Sudin rahasia" not in body


def test_other_partner_gets_404(client, partner_case, other_partner):
    login(client, other_partner)
    assert client.get(reverse("cases:detail", args=[partner_case.pk])).status_code == 404


def test_partner_assignment_ended_gets_404(client, partner_case, partner, partner_org):
    CaseAssignment.objects.filter(case=partner_case, organization=partner_org).update(
        ended_at=timezone.now()
    )
    login(client, partner)
    assert client.get(reverse("cases:detail", args=[partner_case.pk])).status_code == 404


def test_restricted_case_masked_in_list_and_needs_reason(client, worker, supervisor, child):
    restricted = open_case(worker, child, supervisor=None, is_sensitive=True)
    login_verified(client, supervisor)  # in scope, but not assigned to this case
    body = client.get(reverse("cases:list") + "?scope=all").content.decode()
    assert restricted.case_number in body
    assert child.full_name not in body
    first = child.full_name.split()[0]
    assert f"{first[0]}•••" in body
    response = client.get(reverse("cases:detail", args=[restricted.pk]))
    assert (
        response.status_code == 302
        and reverse("cases:restricted_open", args=[restricted.pk]) in response["Location"]
    )
    assert not AccessLog.objects.filter(action="view", target_id=str(restricted.pk)).exists()
    response = client.post(
        reverse("cases:restricted_open", args=[restricted.pk]), {"reason": "short"}
    )
    assert response.status_code == 200
    assert not AccessLog.objects.filter(action="open_restricted").exists()
    response = client.post(
        reverse("cases:restricted_open", args=[restricted.pk]),
        {
            "reason": "Memeriksa keterlambatan asesmen",
            "next": reverse("cases:detail", args=[restricted.pk]),
        },
    )
    assert response.status_code == 302
    log = AccessLog.objects.get(action="open_restricted")
    assert (log.user, log.reason, log.child_id) == (
        supervisor,
        "Memeriksa keterlambatan asesmen",
        str(child.pk),
    )
    assert client.get(reverse("cases:detail", args=[restricted.pk])).status_code == 200
    assert AccessLog.objects.filter(
        action="view", target_id=str(restricted.pk), user=supervisor
    ).exists()


def test_assigned_worker_sees_restricted_name(client, worker, child):
    restricted = open_case(worker, child, is_sensitive=True)
    login(client, worker)
    assert child.full_name in client.get(reverse("cases:list")).content.decode()
    assert client.get(reverse("cases:detail", args=[restricted.pk])).status_code == 200


def test_caseload_sorted_by_due_date(client, worker):
    later = open_case(worker, ChildFactory(), risk_level="none")
    sooner = open_case(worker, ChildFactory(), risk_level="high")
    login(client, worker)
    body = client.get(reverse("cases:list")).content.decode()
    assert body.index(sooner.case_number) < body.index(later.case_number)


def test_approval_queue_and_decision(client, case, worker, supervisor, other_supervisor):
    services.case_transition(actor=worker, case=case, to_status="registered")
    full = services.assessment_save(actor=worker, case=case, kind="full", data=FULL)
    services.assessment_submit(actor=worker, assessment=full)
    login_verified(client, supervisor)
    body = client.get(reverse("cases:queue") + "?section=assessments").content.decode()
    assert case.case_number in body
    client.post(
        reverse("cases:assessment_decide", args=[case.pk, full.pk]),
        {"decision": "return", "note": ""},
        follow=True,
    )
    full.refresh_from_db()
    assert full.status == "submitted"  # a return needs a note
    client.post(
        reverse("cases:assessment_decide", args=[case.pk, full.pk]),
        {"decision": "approve", "note": ""},
    )
    full.refresh_from_db()
    assert full.status == "approved"
    client.logout()
    login_verified(client, other_supervisor)
    assert (
        case.case_number
        not in client.get(reverse("cases:queue") + "?section=assessments").content.decode()
    )


def test_worker_cannot_use_queue_or_decide(client, case, worker):
    login(client, worker)
    assert client.get(reverse("cases:queue")).status_code == 403
    assert client.get(reverse("cases:overdue")).status_code == 403
    assert (
        client.post(
            reverse("cases:close_decide", args=[case.pk]), {"decision": "approve"}
        ).status_code
        == 403
    )


def test_coercive_flag_on_queue_and_summary(client, worker, supervisor, child):
    case = open_case(
        worker,
        child,
        supervisor=supervisor,
        outreach_method="coercive",
        coercive_justification="Anak di tengah jalan tol",
    )
    login_verified(client, supervisor)
    assert (
        "Anak di tengah jalan tol"
        in client.get(reverse("cases:queue") + "?section=coercive").content.decode()
    )
    assert (
        "Anak di tengah jalan tol"
        in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    )


def test_overdue_page(client, worker, supervisor):
    old = open_case(
        worker,
        ChildFactory(),
        supervisor=supervisor,
        risk_level="high",
        reported_at=timezone.now() - dt.timedelta(days=3),
    )
    login_verified(client, supervisor)
    assert old.case_number in client.get(reverse("cases:overdue")).content.decode()


def test_open_case_form(client, worker, child):
    login(client, worker)
    url = reverse("cases:open", args=[child.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "intake_channel": "trc",
            "reported_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "intake_details": "Laporan TRC",
            "outreach_method": "coercive",
            "coercive_justification": "",
            "risk_level": "high",
            "lead_organization": str(worker.memberships.get().organization_id),
        },
    )
    assert response.status_code == 200 and not Case.objects.exists()
    response = client.post(
        url,
        {
            "intake_channel": "trc",
            "reported_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "intake_details": "Laporan TRC",
            "outreach_method": "persuasive",
            "risk_level": "high",
            "lead_organization": str(worker.memberships.get().organization_id),
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "cases:detail", args=[case.pk]
    )


def test_assessment_form_save_and_submit(client, case, worker):
    login(client, worker)
    url = reverse("cases:assessment_new", args=[case.pk, "initial"])
    assert client.get(url).status_code == 200
    response = client.post(url, {**INITIAL, "submit": "1"})
    assert response.status_code == 302
    a = case.assessments.get()
    assert (a.status, a.data["safety_concerns"]) == ("submitted", "Tidur di jalan")


def test_sla_screens_four_eyes(client, supervisor, supervisor2):
    login_verified(client, supervisor)
    assert client.get(reverse("cases:sla_list")).status_code == 200
    client.post(reverse("cases:sla_create"))
    draft = SlaPolicy.objects.get(is_active=False)
    data = {
        key: 5
        for key in client.get(reverse("cases:sla_detail", args=[draft.pk])).context["form"].fields
        if ":" in key
    }
    client.post(reverse("cases:sla_detail", args=[draft.pk]), {**data, "notes": "SOP 2026"})
    assert draft.rules.get(risk_level="high", milestone="first_contact").hours == 5
    client.post(reverse("cases:sla_approve", args=[draft.pk]))
    assert not SlaPolicy.objects.get(pk=draft.pk).is_active
    client.logout()
    login_verified(client, supervisor2)
    client.post(reverse("cases:sla_approve", args=[draft.pk]))
    assert SlaPolicy.objects.get(pk=draft.pk).is_active


def test_worker_cannot_open_sla_screens(client, worker):
    login(client, worker)
    assert client.get(reverse("cases:sla_list")).status_code == 403


def test_timeline_page_in_order(client, case, worker):
    services.case_transition(actor=worker, case=case, to_status="registered")
    services.case_note_add(actor=worker, case=case, text="Catatan pertama")
    login(client, worker)
    body = client.get(reverse("cases:timeline", args=[case.pk])).content.decode()
    times = re.findall(r'<time datetime="([^"]+)"', body)
    assert len(times) == 4 and times == sorted(times)  # "" → reported, opened, → registered, note
    from django.utils import translation
    from django.utils.html import escape

    from simpul.core import events

    with translation.override("id"):  # the page's language
        registered = events.describe(
            events.Event(
                "cases.case.transitioned",
                changes={"status": {"before": "reported", "after": "registered"}},
            )
        )
        noted = events.describe(events.Event("cases.note.added"))
    assert body.index(escape(registered)) < body.index(escape(noted))


def test_partner_reports_progress_on_its_own_action_only(
    client, partner_case, partner, partner_org, worker, supervisor
):
    from simpul.cases.models import CasePlan, PlanAction

    plan = partner_case.plans.get()
    assert plan.status == CasePlan.Status.APPROVED  # the fixture approved it
    own = PlanAction.objects.get(goal__plan=plan, responsible_organization=partner_org)
    lead_action = PlanAction.objects.get(goal__plan=plan, description="Kunjungan rumah")
    login(client, partner)
    url = reverse("cases:plan", args=[partner_case.pk])
    body = client.get(url).content.decode()
    assert reverse("cases:plan_action_status", args=[partner_case.pk, own.pk]) in body
    assert "Kunjungan rumah" not in body and 'value="cancelled"' not in body
    response = client.post(
        reverse("cases:plan_action_status", args=[partner_case.pk, own.pk]),
        {"status": "in_progress"},
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.status == "in_progress"
    # Not its action: refused, nothing changes.
    response = client.post(
        reverse("cases:plan_action_status", args=[partner_case.pk, lead_action.pk]),
        {"status": "done"},
    )
    assert response.status_code == 403
    lead_action.refresh_from_db()
    assert lead_action.status == "planned"
    # Cancelling is the case team's decision: a clear message, nothing changes.
    response = client.post(
        reverse("cases:plan_action_status", args=[partner_case.pk, own.pk]),
        {"status": "cancelled"},
        follow=True,
    )
    own.refresh_from_db()
    assert own.status == "in_progress"
    assert "tim kasus" in response.content.decode() or "case team" in response.content.decode()


def test_workspace_tabs_speak_indonesian_by_default(client, case, worker):
    login(client, worker)
    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    for english in ("Notes and conferences", ">Assessments<", ">Timeline<", ">Placements<"):
        assert english not in body, english
    assert "Kronologi" in body
