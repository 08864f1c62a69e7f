"""The home page ("Hari ini"): the card registry, sorting, empty and failed cards, which cards each
role gets, and that roles without access to children never see one there. The cards' own
contents, scoping and query budgets are tested in each app (``<app>/tests/test_home_cards.py``)."""

from __future__ import annotations

import ast
import datetime as dt
import logging
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from simpul.accounts.models import Role
from simpul.cases.models import CaseDeadline
from simpul.core import home
from simpul.core.home import CardData, HomeCard, HomeItem, Urgency, urgency_of
from simpul.directory.models import OrganizationType
from simpul.testing.auth import login
from simpul.testing.factories import (
    CaseFactory,
    ChildFactory,
    OrganizationFactory,
    make_user,
    sudin,
)

pytestmark = pytest.mark.django_db


class SampleCard(HomeCard):
    """A card registered by this test module, as a new app would register one."""

    key = "tests.sample"
    title = "Sample card from a test module"
    order = 1

    def __init__(self, items=(), count=None, applies=True, urgency=None):
        self.items = list(items)
        self.count = len(self.items) if count is None else count
        self.applies = applies
        self.urgency = urgency
        self.built_for = []

    def applies_to(self, user):
        return self.applies

    def build(self, user, *, now):
        self.built_for.append(user.pk)
        return CardData(count=self.count, items=self.items, urgency=self.urgency)


def _page(client, user, lang="id"):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    login(client, user)
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    return response.content.decode()


def _card_keys(response_cards):
    return [c.key for c in response_cards]


@pytest.fixture
def worker(db):
    return make_user(Role.CASE_WORKER, sudin("31.75"))


# --- the registry ------------------------------------------------------------------------------
def test_a_card_registered_by_a_test_module_appears_on_the_home_page(client, worker):
    item = HomeItem(label="Sample item 42", url="/somewhere/", detail="What to do")
    with home.registered(SampleCard(items=[item])):
        body = _page(client, worker)
    assert 'data-card="tests.sample"' in body
    assert "Sample card from a test module" in body
    assert 'href="/somewhere/"' in body and "Sample item 42" in body and "What to do" in body
    assert 'data-count="1"' in body
    assert "tests.sample" not in home.registry  # unregistered after the block


def test_a_card_whose_applies_to_is_false_is_neither_built_nor_shown(client, worker):
    card = SampleCard(items=[HomeItem(label="Must not show")], applies=False)
    with home.registered(card):
        body = _page(client, worker)
    assert 'data-card="tests.sample"' not in body and "Must not show" not in body
    assert card.built_for == []


def test_two_cards_with_one_key_are_refused():
    class Other(HomeCard):
        key = "tests.sample"

    with home.registered(SampleCard()), pytest.raises(ValueError, match=r"tests\.sample"):
        home.registry.register(Other())


def test_every_app_registers_its_cards_from_its_own_home_module():
    home.autodiscover()
    keys = {c.key for c in home.registry.cards()}
    assert {
        "cases.approvals",
        "cases.scope_deadlines",
        "cases.caseload_deadlines",
        "cases.transition_reviews",
        "cases.drafts",
        "cases.new_restricted",
        "cases.partner_actions",
        "cases.partner_cases",
        "children.duplicates",
        "children.imports",
        "accounts.invitation_approvals",
        "accounts.lockouts",
        "accounts.administration",
        "accounts.pending_invitations",
        "directory.capacity",
        "directory.overview",
    } <= keys
    for card in home.registry.cards():
        app = card.key.split(".")[0]
        assert type(card).__module__ == f"simpul.{app}.home", card.key


def test_the_registry_in_core_imports_no_other_app():
    source = Path(home.__file__).read_text(encoding="utf-8")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
    simpul = {m for m in imported if m.startswith("simpul")}
    assert all(m == "simpul.core" or m.startswith("simpul.core.") for m in simpul), simpul


# --- urgency and sorting -----------------------------------------------------------------------
def test_urgency_of_dates_and_times():
    now = timezone.make_aware(dt.datetime(2026, 12, 1, 10, 0))
    today = dt.date(2026, 12, 1)
    assert urgency_of(today - dt.timedelta(days=1), now=now) is Urgency.OVERDUE
    assert urgency_of(today, now=now) is Urgency.TODAY
    assert urgency_of(today + dt.timedelta(days=1), now=now) is Urgency.WEEK
    assert urgency_of(today + dt.timedelta(days=7), now=now) is Urgency.WEEK
    assert urgency_of(today + dt.timedelta(days=8), now=now) is Urgency.LATER
    # A time is overdue once passed, even earlier the same day.
    assert urgency_of(now - dt.timedelta(minutes=5), now=now) is Urgency.OVERDUE
    assert urgency_of(now + dt.timedelta(hours=2), now=now) is Urgency.TODAY
    assert urgency_of(None, now=now) is Urgency.WAITING
    # Something that waits for the person (an approval) is never just "later".
    assert urgency_of(today + dt.timedelta(days=30), now=now, waiting=True) is Urgency.WAITING
    assert urgency_of(today - dt.timedelta(days=3), now=now, waiting=True) is Urgency.OVERDUE


def test_due_text_says_how_late_or_how_soon(settings):
    from django.utils import translation

    today = timezone.localdate()
    with translation.override("en"):
        late = HomeItem.dated("x", today - dt.timedelta(days=3))
        assert late.due_text == "3 days overdue"
        assert HomeItem.dated("x", today).due_text == "Due today"
        assert HomeItem.dated("x", today + dt.timedelta(days=1)).due_text == "Due tomorrow"
        assert HomeItem.dated("x", today + dt.timedelta(days=5)).due_text == "Due in 5 days"
        assert HomeItem("x").due_text == ""


def test_cards_and_items_are_sorted_most_urgent_first(worker):
    today = timezone.localdate()

    class Waiting(SampleCard):
        key = "tests.a_waiting"
        order = 0  # registered first and lowest order: still after the overdue card

    class Overdue(SampleCard):
        key = "tests.b_overdue"
        order = 50

    class Links(SampleCard):
        key = "tests.c_links"
        order = -10

    items = [
        HomeItem.dated("later", today + dt.timedelta(days=20)),
        HomeItem("waiting"),
        HomeItem.dated("week", today + dt.timedelta(days=3)),
        HomeItem.dated("overdue", today - dt.timedelta(days=2)),
        HomeItem.dated("today", today),
    ]
    cards = [Waiting(items=[HomeItem("w")]), Overdue(items=items), Links(urgency=Urgency.NONE)]
    with home.registered(*cards):
        built = [b for b in home.home_cards(worker) if b.key.startswith("tests.")]
    assert [b.key for b in built] == ["tests.b_overdue", "tests.a_waiting", "tests.c_links"]
    assert [i.label for i in built[0].data.items] == [
        "overdue",
        "today",
        "week",
        "waiting",
        "later",
    ]


def test_an_empty_card_says_that_nothing_is_waiting(client, worker):
    with home.registered(SampleCard()):
        body = _page(client, worker, lang="en")
    section = body.split('data-card="tests.sample"')[1].split("</section>")[0]
    assert "Nothing is waiting." in section


def test_see_all_shows_the_count_only_when_the_linked_page_lists_the_same_things(client, worker):
    class Linked(SampleCard):
        def __init__(self, see_all_count):
            super().__init__(items=[HomeItem(label=f"Item {n}") for n in range(2)], count=7)
            self.see_all_count = see_all_count

        def build(self, user, *, now):
            return CardData(
                count=self.count,
                items=self.items,
                see_all_url="/all/",
                see_all_label="Every one",
                see_all_count=self.see_all_count,
            )

    for see_all_count, shown in ((True, "Every one (7)"), (False, "Every one</a>")):
        with home.registered(Linked(see_all_count)):
            body = _page(client, worker, lang="en")
        section = body.split('data-card="tests.sample"')[1].split("</section>")[0]
        assert shown in section
        assert ("(7)" in section) is see_all_count


def test_a_failing_card_is_shown_as_failed_and_logged_and_the_page_still_works(
    client, worker, caplog
):
    class Broken(SampleCard):
        key = "tests.broken"

        def build(self, user, *, now):
            raise RuntimeError("boom")

    cards = (Broken(), SampleCard(items=[HomeItem("still here")]))
    with home.registered(*cards), caplog.at_level(logging.ERROR, logger="simpul.core.home"):
        body = _page(client, worker, lang="en")
    assert 'data-card="tests.broken"' in body and 'data-failed="true"' in body
    assert "This card could not be loaded" in body
    assert "still here" in body
    assert any("tests.broken" in r.getMessage() for r in caplog.records)


# --- which cards each role gets ----------------------------------------------------------------
def _personas():
    timur = sudin("31.75")
    lksa = OrganizationFactory(org_type=OrganizationType.LKSA)
    dinsos = OrganizationFactory(org_type=OrganizationType.DINSOS, name="Dinas Sosial Test")
    return {
        Role.SUPERVISOR: make_user(Role.SUPERVISOR, timur),
        Role.CASE_WORKER: make_user(Role.CASE_WORKER, timur),
        Role.DATA_OPERATOR: make_user(Role.DATA_OPERATOR, timur),
        Role.ANALYST: make_user(Role.ANALYST, dinsos),
        Role.DONOR: make_user(Role.DONOR, OrganizationFactory(org_type=OrganizationType.BUSINESS)),
        Role.SYSTEM_ADMIN: make_user(Role.SYSTEM_ADMIN, dinsos),
        Role.ORG_ADMIN: make_user(Role.ORG_ADMIN, lksa),
        Role.ORG_STAFF: make_user(Role.ORG_STAFF, lksa),
        Role.SKPD_LIAISON: make_user(
            Role.SKPD_LIAISON, OrganizationFactory(org_type=OrganizationType.SKPD)
        ),
    }


EXPECTED_CARDS = {
    Role.SUPERVISOR: {
        "cases.approvals",
        "cases.scope_deadlines",
        "cases.transition_reviews",
        "cases.new_restricted",
        "children.duplicates",
        "children.imports",
        "accounts.invitation_approvals",
        "directory.overview",
        "referrals.escalations",
    },
    Role.CASE_WORKER: {
        "cases.caseload_deadlines",
        "cases.transition_reviews",
        "cases.drafts",
        "children.imports",
        "directory.overview",
        "referrals.overdue_outgoing",
    },
    Role.DATA_OPERATOR: {"children.imports", "directory.overview"},
    Role.ANALYST: {"directory.overview"},
    Role.DONOR: {"directory.overview"},
    Role.SYSTEM_ADMIN: {
        "accounts.invitation_approvals",
        "accounts.lockouts",
        "accounts.administration",
        "directory.overview",
    },
    Role.ORG_ADMIN: {
        "cases.partner_actions",
        "cases.partner_cases",
        "directory.capacity",
        "accounts.pending_invitations",
        "directory.overview",
        "referrals.incoming",
    },
    Role.ORG_STAFF: {
        "cases.partner_actions",
        "cases.partner_cases",
        "directory.capacity",
        "directory.overview",
        "referrals.incoming",
    },
    Role.SKPD_LIAISON: {
        "cases.partner_actions",
        "cases.partner_cases",
        "directory.overview",
        "referrals.incoming",
    },
}
# Every member of an organisation has an inbox: the notifications card is on every home page.
for _cards in EXPECTED_CARDS.values():
    _cards.add("notifications.unread")


def test_each_role_gets_the_cards_of_its_work():
    for role, user in _personas().items():
        keys = {b.key for b in home.home_cards(user)}
        assert keys == EXPECTED_CARDS[role], role


def test_roles_without_access_to_children_never_see_one_on_the_home_page(client):
    personas = _personas()
    child = ChildFactory(full_name="Wulandari Kusumawardhani")
    case = CaseFactory(child=child, case_worker=personas[Role.CASE_WORKER])
    CaseDeadline.objects.create(
        case=case, milestone="first_contact", due_at=timezone.now() - dt.timedelta(days=2)
    )
    # The case worker sees it (so the data is there to leak)...
    assert "Wulandari" in _page(client, personas[Role.CASE_WORKER])
    # ... and none of these roles sees the child's name or number, or the case's number.
    for role in (Role.ANALYST, Role.DONOR, Role.SYSTEM_ADMIN):
        client.logout()
        body = _page(client, personas[role])
        for secret in ("Wulandari", child.registration_number, case.case_number):
            assert secret not in body, (role, secret)


def test_a_user_without_membership_is_told_to_ask_for_an_invitation(client):
    from simpul.testing.factories import UserFactory

    user = UserFactory()
    body = _page(client, user, lang="en")
    assert "not a member of any organisation" in body
    assert "data-card=" not in body
