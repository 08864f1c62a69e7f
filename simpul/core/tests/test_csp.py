"""A strict Content-Security-Policy on every page, and no inline script in any template."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from simpul.accounts.models import Role
from simpul.testing.auth import login
from simpul.testing.factories import make_user

SIMPUL = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["accounts:login", "core:home", "directory:list"])
def test_pages_send_a_strict_policy(client, url):
    login(client, make_user(Role.ANALYST))
    policy = client.get(reverse(url))["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "default-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


@pytest.mark.django_db
def test_api_docs_allow_swagger_styles_but_no_inline_script(client):
    login(client, make_user(Role.ANALYST))
    policy = client.get(reverse("api:docs"))["Content-Security-Policy"]
    script = next(p for p in policy.split(";") if p.strip().startswith("script-src"))
    assert "unsafe-inline" not in script


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for template in SIMPUL.rglob("templates/**/*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag:
                offenders.append(f"{template}: {tag}")
        if re.search(r"\son[a-z]+\s*=", text):
            offenders.append(f"{template}: on…= handler")
    assert offenders == []
