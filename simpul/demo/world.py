"""What the demo children and cases are seeded into: the demo network, read back from the
database, the demo users, the staff case workers of each Suku Dinas, the deadline table in
force, and the demo's clock and random generators (fixed seeds)."""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from faker import Faker

from simpul.accounts.models import Membership, Role, User
from simpul.cases.models import Milestone, RiskLevel
from simpul.cases.services.sla import sla_hours, sla_policy_active
from simpul.children.models import Category, CategorySubtype
from simpul.demo.clock import DAY, DemoClock, is_working_day
from simpul.demo.network import DEMO_PARTNER_LKSA, DEMO_USERS, DINSOS_NAME, SKPD_NAMES
from simpul.directory.models import Organization, OrganizationType, TaxonomyTerm
from simpul.regions.models import Region

CHILD_SEED = 20140917  # fixed: the same children on every machine
STAFF_EMAIL_DOMAIN = "staff.demo.simpul.test"
JAKTIM = "31.75"
# A case worker of a Suku Dinas carries about this many cases (the demo case worker included).
CASES_PER_WORKER = 30


@dataclass
class DemoWorld:
    clock: DemoClock
    rng: random.Random
    fake: Faker
    worker: User  # the demo case worker (Jakarta Timur)
    supervisor: User
    org_staff: User
    liaison: User
    data_operator: User
    dinsos: Organization
    lksa: Organization
    ppapp: Organization
    disdik: Organization
    dukcapil: Organization
    sudins: dict[str, Organization]
    panti_timur: list[Organization]
    categories: dict[str, Category]
    labels: dict[str, Category]
    subtypes: dict[tuple[str, str], CategorySubtype]
    terms: dict[str, TaxonomyTerm]
    kelurahan: dict[str, list[Region]]
    hours_table: dict[tuple[str, str], int]
    workers: dict[str, list[User]] = field(default_factory=dict)
    niks: set[str] = field(default_factory=set)  # given out so far: one NIK, one person

    @classmethod
    def load(cls, clock: DemoClock) -> DemoWorld:
        rng = random.Random(CHILD_SEED)
        fake = Faker("id_ID")
        fake.seed_instance(CHILD_SEED)

        def user(role: Role) -> User:
            return User.objects.get(email=DEMO_USERS[role.value])

        kelurahan: dict[str, list[Region]] = {}
        for region in Region.objects.filter(
            code__startswith="31.", level=Region.Level.VILLAGE
        ).order_by("code"):
            kelurahan.setdefault(region.code[:5], []).append(region)
        policy = sla_policy_active()
        hours_table: dict[tuple[str, str], int] = {}
        for level in RiskLevel.values:
            for milestone in Milestone.values:
                hours = sla_hours(policy, level, milestone)
                if hours is None:
                    raise RuntimeError(f"demo: no deadline for {level}/{milestone}")
                hours_table[(level, milestone)] = hours
        return cls(
            clock=clock,
            rng=rng,
            fake=fake,
            worker=user(Role.CASE_WORKER),
            supervisor=user(Role.SUPERVISOR),
            org_staff=user(Role.ORG_STAFF),
            liaison=user(Role.SKPD_LIAISON),
            data_operator=user(Role.DATA_OPERATOR),
            dinsos=Organization.objects.get(name=DINSOS_NAME),
            lksa=Organization.objects.get(name=DEMO_PARTNER_LKSA),
            ppapp=Organization.objects.get(name=SKPD_NAMES["ppapp"]),
            disdik=Organization.objects.get(name=SKPD_NAMES["disdik"]),
            dukcapil=Organization.objects.get(name=SKPD_NAMES["dukcapil"]),
            sudins={
                o.jurisdiction.code: o
                for o in Organization.objects.filter(
                    org_type=OrganizationType.SUDINSOS
                ).select_related("jurisdiction")
                if o.jurisdiction is not None
            },
            panti_timur=list(
                Organization.objects.filter(
                    org_type=OrganizationType.PANTI, kota_code=JAKTIM
                ).order_by("name")
            ),
            categories={c.code: c for c in Category.objects.filter(scheme=Category.Scheme.PMKS)},
            labels={c.code: c for c in Category.objects.filter(scheme=Category.Scheme.FIELD)},
            subtypes={
                (s.category.code, s.code): s
                for s in CategorySubtype.objects.select_related("category")
            },
            terms={
                t.code: t
                for t in TaxonomyTerm.objects.filter(taxonomy=TaxonomyTerm.Taxonomy.SERVICE_TYPE)
            },
            kelurahan=kelurahan,
            hours_table=hours_table,
        )

    def hours(self, level: str, milestone: str) -> float:
        return float(self.hours_table[(level, milestone)])

    # --- people ----------------------------------------------------------------------------------
    def hire_case_workers(self, cases_per_kota: dict[str, int]) -> None:
        """Enough case workers in each Suku Dinas for about ``CASES_PER_WORKER`` cases each (in
        Jakarta Timur the demo case worker is one of them). They joined when the registry
        started; they are staff users without a usable password: they only carry their cases."""
        password = make_password(None)  # unusable: staff users never sign in
        self.workers = {JAKTIM: [self.worker]}
        with self.clock.travel(self.clock.setup + DAY):
            for code, sudin in sorted(self.sudins.items()):
                wanted = max(1, math.ceil(cases_per_kota.get(code, 0) / CASES_PER_WORKER))
                have = self.workers.setdefault(code, [])
                number = 1
                while len(have) < wanted:
                    suffix = "" if number == 1 else f".{number}"
                    user = User.objects.create(
                        email=f"pekerja.sosial.{code.replace('.', '')}{suffix}@{STAFF_EMAIL_DOMAIN}",
                        full_name=f"{self.fake.first_name()} {self.fake.last_name()}",
                        password=password,
                    )
                    Membership.objects.create(
                        user=user,
                        organization=sudin,
                        role=Role.CASE_WORKER,
                        region_scope=sudin.jurisdiction,
                        title="Pekerja sosial",
                    )
                    have.append(user)
                    number += 1

    # --- moments ---------------------------------------------------------------------------------
    def last_working_day(self) -> dt.date:
        day = self.clock.today - DAY
        while not is_working_day(day):
            day -= DAY
        return day

    @property
    def scan_at(self) -> dt.datetime:
        """The supervisor's duplicate scan: the last working afternoon before the demo's day.
        Every near-duplicate is registered before it."""
        return self.clock.at(self.last_working_day(), dt.time(15, 40))

    @property
    def import_at(self) -> dt.datetime:
        """The data operator's import that waits for a decision: the same day, mid-morning."""
        return self.clock.at(self.last_working_day(), dt.time(10, 25))
