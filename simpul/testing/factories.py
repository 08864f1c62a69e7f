"""factory_boy factories shared by every app's tests. All data is synthetic (Faker id_ID)."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from simpul.accounts.models import Membership, Role, User
from simpul.directory.models import Organization, OrganizationType, Service, TaxonomyTerm
from simpul.regions.models import Region

PASSWORD = "correct-horse-battery-9"


def kelurahan(code: str | None = None) -> Region:
    qs = Region.objects.filter(level=4)
    return qs.get(code=code) if code else qs.order_by("code").first()  # type: ignore[return-value]


def term(taxonomy: str, code: str) -> TaxonomyTerm:
    return TaxonomyTerm.objects.get(taxonomy=taxonomy, code=code)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Faker("name", locale="id_ID")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            obj.save()  # type: ignore[attr-defined]


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"LKSA Harapan {n}")
    org_type = OrganizationType.LKSA
    address = factory.Faker("street_address", locale="id_ID")
    kelurahan = factory.LazyFunction(kelurahan)


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = Service

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Pengasuhan anak {n}")
    service_type = factory.LazyFunction(lambda: term("service-type", "residential-care"))
    capacity_total = 20
    capacity_occupied = 12


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.ORG_STAFF


def make_user(role: str, organization: Organization | None = None, **kwargs) -> User:  # type: ignore[no-untyped-def]
    """A user with one membership in ``organization`` (a new LKSA by default)."""
    org = organization or OrganizationFactory()
    user: User = UserFactory(**kwargs)  # type: ignore[assignment]
    MembershipFactory(user=user, organization=org, role=role)
    return user


# --- children and cases ---------------------------------------------------------------------
class ChildFactory(DjangoModelFactory):
    """A child row created directly (no duplicate keys); use children.services to register."""

    class Meta:
        model = "children.Child"

    registration_number = factory.Sequence(lambda n: f"ANK-T-{n:06d}")
    full_name = factory.Faker("name", locale="id_ID")
    sex = "F"
    birth_date = factory.Faker("date_of_birth", minimum_age=6, maximum_age=15)
    current_kelurahan = factory.LazyFunction(lambda: kelurahan("31.75.01.1001"))
    current_kota_code = factory.LazyAttribute(
        lambda o: o.current_kelurahan.code[:5] if o.current_kelurahan else ""
    )


def sudin(kota_code: str = "31.75") -> Organization:
    """The Suku Dinas Sosial of a kota (created on first use)."""
    region = Region.objects.get(code=kota_code)
    org, _ = Organization.objects.get_or_create(
        org_type=OrganizationType.SUDINSOS,
        jurisdiction=region,
        defaults={"name": f"Suku Dinas Sosial {region.name}"},
    )
    return org


class CaseFactory(DjangoModelFactory):
    class Meta:
        model = "cases.Case"

    case_number = factory.Sequence(lambda n: f"KAS-T-{n:06d}")
    child = factory.SubFactory(ChildFactory)
    intake_channel = "outreach"
    lead_organization = factory.LazyFunction(sudin)
    kota_code = factory.LazyAttribute(lambda o: o.child.current_kota_code or "31.75")
    status = "registered"
    risk_level = "medium"
