"""Our own 403/404/500 pages (Bahasa Indonesia by default, a way back) and one log line per 403."""

from __future__ import annotations

import io
import logging

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.log import log_response
from django.views.defaults import server_error

from simpul.accounts.models import Role
from simpul.core.logging import ForbiddenOneLine
from simpul.testing.auth import login
from simpul.testing.factories import make_user

pytestmark = pytest.mark.django_db


def test_unknown_page_is_our_404_with_a_way_home(client):
    login(client, make_user(Role.ANALYST))
    response = client.get("/tidak-ada-halaman-ini/")
    body = response.content.decode()
    assert response.status_code == 404
    assert 'data-status="404"' in body and f'href="{reverse("core:home")}"' in body
    assert "Halaman tidak ditemukan" in body  # Bahasa Indonesia by default


def test_forbidden_is_our_403(client):
    login(client, make_user(Role.DONOR))
    response = client.get(reverse("directory:export"))
    assert response.status_code == 403
    assert 'data-status="403"' in response.content.decode()


def test_csrf_failure_is_our_page():
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(Role.ANALYST))
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 403
    assert 'data-status="403-csrf"' in response.content.decode()


def test_500_page_renders_without_context_or_database():
    request = RequestFactory().get("/")
    response = server_error(request)
    assert response.status_code == 500
    assert 'data-status="500"' in response.content.decode()


def test_a_403_is_one_log_line_without_traceback():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ForbiddenOneLine())
    logger = logging.getLogger("simpul.test.request")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        request = RequestFactory().get("/children/abc/")
        try:
            raise PermissionError("no")
        except PermissionError as exc:
            from django.http import HttpResponseForbidden

            log_response(
                "Forbidden (Permission denied): %s",
                request.path,
                response=HttpResponseForbidden(),
                request=request,
                exception=exc,
                logger=logger,
            )
    finally:
        logger.removeHandler(handler)
    out = stream.getvalue()
    assert out.strip() == "Forbidden: GET /children/abc/ user=-"
    assert "Traceback" not in out
