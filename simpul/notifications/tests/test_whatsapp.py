"""The WhatsApp Cloud-style adapter against a fake gateway started by the test."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from simpul.notifications import services
from simpul.notifications.models import Delivery, NotificationPreference
from simpul.notifications.services import notify

from .conftest import KIND

pytestmark = pytest.mark.django_db


class Gateway:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.fail = 0
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                body = json.loads(self.rfile.read(length))
                gateway.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                if gateway.fail:
                    gateway.fail -= 1
                    self.send_response(503)
                    answer = {"error": {"message": "try later"}}
                elif self.headers.get("Authorization") != "Bearer secret-token":
                    self.send_response(401)
                    answer = {"error": {"message": "bad token"}}
                else:
                    self.send_response(200)
                    answer = {"messages": [{"id": "wamid.1"}]}
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps(answer).encode())

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v19.0"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)


@pytest.fixture
def gateway(settings):
    gw = Gateway()
    gw.thread.start()
    settings.WHATSAPP_URL = gw.url
    settings.WHATSAPP_TOKEN = "secret-token"
    settings.WHATSAPP_PHONE_ID = "1234567890"
    settings.WHATSAPP_TEMPLATE = "simpul_notification"
    settings.SITE_URL = "https://simpul.example.test"
    yield gw
    gw.server.shutdown()
    gw.server.server_close()


def _notify(committed, users, key="w1"):
    return committed(
        notify,
        recipients=users,
        kind=KIND,
        subject="Rujukan baru",
        body="Isi",
        url="/referrals/1/",
        dedupe_key=key,
    )


def test_whatsapp_template_message_reaches_the_gateway(committed, gateway, user):
    user.phone = "0812-3456-7890"
    user.save()
    NotificationPreference.objects.create(user=user, kind=KIND, email=False, whatsapp=True)
    _notify(committed, [user])
    (request,) = gateway.requests
    assert request["path"] == "/v19.0/1234567890/messages"
    assert request["headers"]["Authorization"] == "Bearer secret-token"
    assert request["headers"]["Content-Type"] == "application/json"
    body = request["body"]
    assert body["messaging_product"] == "whatsapp"
    assert body["to"] == "6281234567890"
    assert body["type"] == "template"
    assert body["template"]["name"] == "simpul_notification"
    assert body["template"]["language"] == {"code": "id"}
    params = body["template"]["components"][0]["parameters"]
    assert [p["text"] for p in params] == [
        "Rujukan baru",
        "https://simpul.example.test/referrals/1/",
    ]
    assert Delivery.objects.get(channel="whatsapp").status == "sent"


def test_gateway_failure_is_retried(committed, gateway, user):
    user.phone = "+62 812 0000 1111"
    user.save()
    NotificationPreference.objects.create(user=user, kind=KIND, email=False, whatsapp=True)
    gateway.fail = 1
    _notify(committed, [user])
    delivery = Delivery.objects.get(channel="whatsapp")
    assert delivery.status == "failed" and "503" in delivery.last_error
    assert services.deliveries_retry(now=delivery.next_attempt_at) == 1
    assert len(gateway.requests) == 2
    delivery.refresh_from_db()
    assert delivery.status == "sent"


def test_no_phone_or_no_opt_in_means_no_whatsapp(committed, gateway, user, other_user):
    NotificationPreference.objects.create(user=user, kind=KIND, whatsapp=True)  # no phone
    other_user.phone = "081200001111"  # a phone, but no opt-in
    other_user.save()
    _notify(committed, [user, other_user])
    assert gateway.requests == []
    assert Delivery.objects.get(channel="whatsapp").status == "skipped"
    assert Delivery.objects.filter(channel="whatsapp").count() == 1
