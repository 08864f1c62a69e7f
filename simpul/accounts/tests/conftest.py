"""Fixtures for the accounts tests: a real SMTP server and common personas."""

from __future__ import annotations

import email
import socket
from email.message import Message

import pytest
from aiosmtpd.controller import Controller

from simpul.accounts.models import Role
from simpul.directory.models import OrganizationType
from simpul.testing.factories import OrganizationFactory, make_user


class CollectingHandler:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd hook name
        self.envelopes.append(envelope)
        self.messages.append(
            email.message_from_bytes(envelope.original_content or envelope.content)
        )
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    handler = CollectingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()


@pytest.fixture
def smtp_settings(settings, smtp_server):
    """Route Django's mail through the real SMTP server; returns the collecting handler."""
    controller, handler = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = controller.hostname
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    return handler


def body_of(message: Message) -> str:
    part = message.get_payload(decode=True)
    return part.decode(message.get_content_charset() or "utf-8")


@pytest.fixture
def lksa():
    return OrganizationFactory(org_type=OrganizationType.LKSA)


@pytest.fixture
def lksa_admin(lksa):
    return make_user(Role.ORG_ADMIN, lksa)


@pytest.fixture
def dinsos():
    return OrganizationFactory(
        name="Dinas Sosial Provinsi DKI Jakarta", org_type=OrganizationType.DINSOS
    )


@pytest.fixture
def client():
    """A test client that asks for English, so text assertions survive the Indonesian
    translations being added later."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
