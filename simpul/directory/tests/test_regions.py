from __future__ import annotations

import pytest
from django.urls import reverse

from simpul.regions.models import Region
from simpul.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_region_options_returns_kecamatan_of_kota(client):
    client.force_login(UserFactory())
    kota = Region.objects.filter(level=2).order_by("code").first()
    response = client.get(reverse("regions:options"), {"parent": kota.code})
    content = response.content.decode()
    children = list(Region.objects.filter(parent=kota))
    assert children
    for kecamatan in children:
        assert f'value="{kecamatan.code}"' in content
    other = Region.objects.filter(level=3).exclude(parent=kota).first()
    assert f'value="{other.code}"' not in content


def test_region_options_accepts_select_name(client):
    client.force_login(UserFactory())
    kecamatan = Region.objects.filter(level=3).order_by("code").first()
    response = client.get(reverse("regions:options"), {"kelurahan_kecamatan": kecamatan.code})
    kelurahan = Region.objects.filter(parent=kecamatan).first()
    assert f'value="{kelurahan.code}"' in response.content.decode()


def test_region_options_requires_login(client):
    response = client.get(reverse("regions:options"), {"parent": "31"})
    assert response.status_code == 302
