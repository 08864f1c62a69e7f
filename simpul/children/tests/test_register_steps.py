"""Registration in steps (identity → family → location & school → disability & conditions →
duplicate check → confirm), served one step at a time with the other fields as hidden inputs —
so it works without JavaScript. The tests post what a browser would post: every input of the
rendered form, plus what the user types and the button pressed."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from simpul.children.forms import REGISTER_STEPS, RegisterForm
from simpul.children.models import Child, Guardian
from simpul.core.models import AuditEvent

pytestmark = pytest.mark.django_db
URL = "/children/register/"


class FormInputs(HTMLParser):
    """The values a browser submits from the page's registration form (buttons excluded)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: list[tuple[str, str]] = []
        self.hidden: set[str] = set()
        self.visible: set[str] = set()
        self._in_form = False
        self._select: str | None = None
        self._select_value: str | None = None
        self._first_option: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and "register-form" in a.get("class", ""):
            self._in_form = True
        if not self._in_form or (not a.get("name") and tag != "option"):
            return
        name = a.get("name", "")
        if tag == "input":
            kind = a.get("type", "text")
            if kind == "hidden":
                self.hidden.add(name)
                self.values.append((name, a.get("value", "")))
                return
            self.visible.add(name)
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.values.append((name, a.get("value", "on")))
            else:
                self.values.append((name, a.get("value", "")))
        elif tag == "select":
            self.visible.add(name)
            self._select, self._select_value, self._first_option = name, None, None
        elif tag == "option" and self._select is not None:
            if self._first_option is None:
                self._first_option = a.get("value", "")
            if "selected" in a:
                self._select_value = a.get("value", "")
        elif tag == "textarea":
            self.visible.add(name)
            self._textarea = name
            self.values.append((name, ""))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            name, value = self.values.pop()
            self.values.append((name, value + data))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "select" and self._select is not None:
            value = self._select_value if self._select_value is not None else self._first_option
            self.values.append((self._select, value or ""))
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def inputs(body: str) -> FormInputs:
    parser = FormInputs()
    parser.feed(body)
    return parser


def submit(client, body: str, button: tuple[str, str], **typed) -> tuple[object, str]:
    """Post the form of ``body`` as a browser: its inputs, what the user ``typed`` (replacing
    those fields) and the ``button`` pressed."""
    parser = inputs(body)
    data: dict[str, list[str]] = {}
    for name, value in parser.values:
        if name not in typed:
            data.setdefault(name, []).append(value)
    for name, value in typed.items():
        assert name in parser.visible, f"{name} is not on this step"
        data[name] = value if isinstance(value, list) else [value]
    data[button[0]] = [button[1]]
    response = client.post(URL, data)
    return response, response.content.decode() if response.status_code == 200 else ""


def current_step(body: str) -> int:
    return int(inputs(body).values[[n for n, _v in inputs(body).values].index("step")][1])


def test_every_field_is_on_exactly_one_step():
    names = [name for step in REGISTER_STEPS for name in step.fields]
    assert sorted(names) == sorted(RegisterForm.base_fields)
    assert len(names) == len(set(names))
    assert [s.key for s in REGISTER_STEPS] == [
        "identity",
        "family",
        "location",
        "conditions",
        "check",
        "confirm",
    ]


def test_each_page_shows_one_step_and_carries_the_others(client, worker):
    client.force_login(worker)
    body = client.get(URL).content.decode()
    page = inputs(body)
    assert 'aria-current="step"' in body and current_step(body) == 1
    assert {"full_name", "sex", "birth_date", "nik"} <= page.visible
    assert {"mother_name", "current_kelurahan", "conditions"}.isdisjoint(page.visible)
    assert {"mother_name", "school_status", "birth_certificate_status"} & page.hidden


def test_next_refuses_a_step_with_errors_and_saves_nothing(client, worker):
    client.force_login(worker)
    body = client.get(URL).content.decode()
    count = Child.objects.count()
    response, body = submit(client, body, ("action", "next"), full_name="")
    assert response.status_code == 200 and current_step(body) == 1
    assert 'class="field has-error' in body
    assert Child.objects.count() == count


def test_walk_every_step_check_confirm_and_register(client, worker, register):
    existing = register(worker, full_name="Djoko Soesilo", mother_name="Sumarni")
    client.force_login(worker)
    body = client.get(URL).content.decode()
    _r, body = submit(
        client,
        body,
        ("action", "next"),
        full_name="Joko Susilo",
        sex="M",
        birth_date="2012-03-14",
        aliases="Jojo",
    )
    assert current_step(body) == 2
    assert "Joko Susilo" in body  # carried as a hidden input
    _r, body = submit(
        client,
        body,
        ("action", "next"),
        mother_name="Sumarni",
        guardian_name="Sumarni",
        guardian_relationship="mother",
    )
    assert current_step(body) == 3
    _r, body = submit(client, body, ("goto", "1"))  # back: nothing lost
    assert current_step(body) == 1 and 'value="Jojo"' in body
    _r, body = submit(client, body, ("action", "next"))
    _r, body = submit(client, body, ("action", "next"))
    assert current_step(body) == 3
    _r, body = submit(
        client,
        body,
        ("action", "next"),
        current_kelurahan="31.75.01.1001",
        school_status="dropped_out",
    )
    assert current_step(body) == 4
    count = Child.objects.count()
    _r, body = submit(client, body, ("action", "check"), has_disability="on")
    assert current_step(body) == 5
    assert "Djoko Soesilo" in body and reverse("children:detail", args=[existing.pk]) in body
    assert Child.objects.count() == count  # the check saves nothing
    _r, body = submit(client, body, ("action", "review"))
    assert current_step(body) == 6
    assert "Joko Susilo" in body and "Sumarni" in body  # the summary
    assert ("candidate", str(existing.pk)) in inputs(body).values
    response, _body = submit(client, body, ("action", "confirm"))
    assert response.status_code == 302
    child = Child.objects.get(full_name="Joko Susilo")
    assert child.mother_name == "Sumarni" and child.has_disability
    assert child.current_kelurahan and child.current_kelurahan.code == "31.75.01.1001"
    assert list(child.aliases.values_list("name", flat=True)) == ["Jojo"]
    assert Guardian.objects.filter(child=child, full_name="Sumarni").exists()
    event = AuditEvent.objects.get(action="children.child.registered", target_id=str(child.pk))
    assert event.data["confirmed_not_duplicate_of"] == [str(existing.pk)]


def test_confirm_without_declaring_the_candidates_goes_back_to_the_check(client, worker, register):
    existing = register(worker, full_name="Djoko Soesilo", mother_name="Sumarni")
    client.force_login(worker)
    body = client.get(URL).content.decode()
    data = {name: value for name, value in inputs(body).values}
    data.update(full_name="Joko Susilo", sex="M", birth_date="2012-03-14", mother_name="Sumarni")
    data["action"] = "confirm"  # straight to "register", no candidate declared
    body = client.post(URL, data).content.decode()
    assert current_step(body) == 5 and "Djoko Soesilo" in body
    assert not Child.objects.filter(full_name="Joko Susilo").exists()
    assert existing.pk


def test_a_check_with_an_error_in_an_earlier_step_shows_that_step(client, worker):
    client.force_login(worker)
    body = client.get(URL).content.decode()
    data = {name: value for name, value in inputs(body).values}
    data.update(full_name="Rina", sex="F", current_kelurahan="99.99.99.9999", action="check")
    body = client.post(URL, data).content.decode()
    assert current_step(body) == 3  # location & school
    assert "has-error" in body


def test_a_step_number_out_of_range_is_clamped(client, worker):
    client.force_login(worker)
    body = client.get(URL).content.decode()
    data = {name: value for name, value in inputs(body).values}
    data.update(step="99", goto="-3")
    body = client.post(URL, data).content.decode()
    assert current_step(body) == 1
