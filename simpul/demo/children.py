"""Demo children and cases: a few hundred synthetic children across the PMKS categories and the
six kota, with cases at every stage of the workflow, near-duplicates to find and restricted cases.

Everything is synthetic (Faker ``id_ID`` with a fixed seed, so the demo is the same everywhere).
Unlike the network seeder (:mod:`simpul.demo.network`), this one works through the SERVICES, acting
as the demo users, so blocking keys, token counts, audit events, access rules and deadlines are
the real ones:

- Jakarta Timur (the demo case worker's Suku Dinas) has most cases; most are the demo case
  worker's, some belong to a colleague (not assigned to the demo case worker). Every other kota
  has its own cases, handled by a case worker of its Suku Dinas; the demo supervisor (province
  scope) approves everything.
- Cases are at every ``CaseStatus``; early ones reported long ago are overdue.
- Plan actions go to the demo LKSA (org_admin/org_staff see those children) and to Dinas PPAPP
  (the SKPD liaison); a few children are placed in the demo LKSA or a panti (capacity updated).
- ~10 pairs of records of one child under spelling variants, for the duplicate check and scan.
- Restricted cases (AKTK, ABH, marked sensitive), some assigned to the demo case worker.

The other Suku Dinas case workers are staff users (``@staff.demo.simpul.test``) without a
usable password: they only exist to carry their cases. ``demo_children_reset`` removes it all.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from faker import Faker

from simpul.accounts.models import Membership, Role, User
from simpul.cases import services as case_services
from simpul.cases.models import (
    Case,
    CaseStatus,
    ClosureReason,
    IntakeChannel,
    OutreachMethod,
    RiskLevel,
)
from simpul.children import services as child_services
from simpul.children.models import (
    AgeEstimateReason,
    Category,
    CategorySubtype,
    Child,
    ChildMerge,
    Consent,
    DuplicateScan,
    Guardian,
    LegalBasis,
    Sex,
)
from simpul.core.exceptions import ApplicationError
from simpul.directory.models import Organization, OrganizationType, Service, TaxonomyTerm
from simpul.regions.models import Region

CHILD_SEED = 20140917  # fixed: the same children on every machine
STAFF_EMAIL_DOMAIN = "staff.demo.simpul.test"
JAKTIM = "31.75"
# Children per kota (Jakarta Timur: the demo case worker's caseload and a colleague's).
KOTA_COUNTS = {"31.75": 150, "31.71": 32, "31.72": 30, "31.73": 30, "31.74": 30, "31.01": 18}
DEMO_WORKER_SHARE = 0.8  # of the Jakarta Timur cases

S = CaseStatus
# Target status of each case: every status, more cases in the busy middle of the workflow.
STATUS_WEIGHTS: dict[str, int] = {
    S.REPORTED: 6,
    S.REGISTERED: 7,
    S.INITIAL_ASSESSMENT: 10,
    S.URGENT_PROTECTION: 4,
    S.FULL_ASSESSMENT: 12,
    S.PLAN_APPROVED: 8,
    S.IMPLEMENTATION: 16,
    S.REVIEW: 8,
    S.REINTEGRATION: 6,
    S.CLOSURE_PENDING: 5,
    S.CLOSED: 8,
    S.AFTERCARE: 5,
    S.REOPENED: 4,
}
EARLY = {S.REPORTED, S.REGISTERED, S.INITIAL_ASSESSMENT, S.URGENT_PROTECTION, S.FULL_ASSESSMENT}

# category → (weight, youngest, oldest); ages in completed years and inside the category's rule.
CATEGORY_AGES: dict[str, tuple[int, int, int]] = {
    "AJ": (24, 6, 17),
    "AT": (22, 6, 17),
    "ABT": (12, 0, 5),
    "ADK": (10, 1, 17),
    "AKTK": (11, 3, 17),
    "ABH": (9, 8, 17),
    "AMPK": (8, 6, 17),
}
CATEGORY_CONDITIONS: dict[str, list[str]] = {
    "AJ": ["street_most_of_day", "earning_on_street", "lives_on_street"],
    "AT": ["poor_family", "neglected_no_care", "basic_needs_unmet", "lost_parental_care"],
    "ABT": ["neglected_no_care", "poor_family", "malnourished", "lost_parental_care"],
    "ADK": ["disability_physical", "disability_mental", "daily_living_dependence"],
    "AKTK": ["violence_physical", "violence_psychological", "mistreated_abandoned"],
    "ABH": ["suspected_offence", "crime_victim", "crime_witness"],
    "AMPK": ["economic_exploitation", "trafficking", "substance_abuse", "emergency_situation"],
}
FIELD_LABELS = [
    "pengamen",
    "manusia_silver",
    "badut",
    "ondel_ondel",
    "asongan",
    "pemulung_anak",
    "parkir_liar",
]
STREET_SPOTS = [
    "Perempatan lampu merah Pasar Rebo",
    "Kolong jembatan layang Cawang",
    "Terminal Kampung Melayu",
    "Perempatan Senen",
    "Stasiun Jatinegara",
    "Bundaran Tugu Tani",
    "Pasar Induk Kramat Jati",
    "Halte Transjakarta Cililitan",
    "Lampu merah Slipi",
    "Terminal Grogol",
    "Perempatan Matraman",
    "Pintu tol Rawamangun",
    "Taman Kota Waduk Pluit",
    "Pasar Minggu",
]
ORIGINS = ["32.75", "32.16", "32.01", "36.71", "36.03", "33.74", "33.09", "32.73", "35.78", "18.71"]
INTAKE: dict[str, list[str]] = {
    "AJ": [
        IntakeChannel.OUTREACH,
        IntakeChannel.OUTREACH,
        IntakeChannel.SATPOL_PP,
        IntakeChannel.COMMUNITY,
    ],
    "AT": [
        IntakeChannel.COMMUNITY,
        IntakeChannel.WALK_IN,
        IntakeChannel.PARTNER,
        IntakeChannel.RAPID_RESPONSE,
    ],
    "ABT": [IntakeChannel.RAPID_RESPONSE, IntakeChannel.COMMUNITY, IntakeChannel.PARTNER],
    "ADK": [IntakeChannel.WALK_IN, IntakeChannel.COMMUNITY, IntakeChannel.PARTNER],
    "AKTK": [IntakeChannel.RAPID_RESPONSE, IntakeChannel.PARTNER, IntakeChannel.COMMUNITY],
    "ABH": [IntakeChannel.PARTNER, IntakeChannel.RAPID_RESPONSE],
    "AMPK": [IntakeChannel.OUTREACH, IntakeChannel.RAPID_RESPONSE, IntakeChannel.PARTNER],
}
RISK: dict[str, list[str]] = {
    "AKTK": [RiskLevel.HIGH, RiskLevel.HIGH, RiskLevel.MEDIUM],
    "ABH": [RiskLevel.HIGH, RiskLevel.MEDIUM],
    "ABT": [RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.MEDIUM],
    "AMPK": [RiskLevel.HIGH, RiskLevel.MEDIUM],
}
DEFAULT_RISK = [
    RiskLevel.MEDIUM,
    RiskLevel.MEDIUM,
    RiskLevel.LOW,
    RiskLevel.LOW,
    RiskLevel.NONE,
    RiskLevel.HIGH,
]

INITIAL = {
    "safety_concerns": "Anak berada di lingkungan yang tidak aman dan kebutuhan dasarnya belum terpenuhi.",
    "immediate_danger": "no",
    "immediate_needs": "Makanan, pakaian bersih, tempat istirahat.",
    "family_contact": "known_not_contacted",
    "family_contact_notes": "Alamat keluarga diketahui dari anak.",
    "health": "Tampak sehat; perlu pemeriksaan di puskesmas.",
    "recommendation": "full_assessment",
    "recommendation_notes": "",
    "risk_level_proposed": "",
}
FULL = {
    "safety_rating": "some",
    "safety": "Anak aman selama pendampingan; risiko kembali ke jalan masih ada.",
    "health_rating": "good",
    "health": "Imunisasi belum lengkap.",
    "education_rating": "serious",
    "education": "Putus sekolah sejak kelas 4 SD.",
    "family_rating": "some",
    "family": "Ibu bekerja serabutan; ayah tidak diketahui keberadaannya.",
    "psychosocial_rating": "some",
    "psychosocial": "Anak pendiam, mau bercerita setelah beberapa kali bertemu.",
    "identity_rating": "serious",
    "identity_documents": "Belum memiliki akta kelahiran dan KIA.",
    "strengths": "Anak bersemangat belajar; nenek bersedia membantu pengasuhan.",
    "needs": "Akta kelahiran, kembali sekolah, dukungan ekonomi keluarga.",
    "child_views": '"Saya mau sekolah lagi dan tinggal sama nenek."',
}
REVIEW = {
    "progress": "Anak sudah kembali sekolah; akta kelahiran sedang diurus di Dukcapil.",
    "safety_now": "Aman; tidak lagi terlihat di titik rawan.",
    "child_views": "Senang bisa sekolah.",
    "plan_change_needed": False,
    "next_steps": "Pantau kehadiran sekolah setiap bulan.",
}

# Pairs of records of one child under two spellings: (first, second, variation). The second
# record takes the first one's facts, changed by the variation.
NEAR_DUPLICATES: list[tuple[str, str, str]] = [
    ("Djoko Susilo", "Joko Susilo", "spelling"),
    ("Muhammad Rizky Pratama", "M. Rizki Pratama", "moved"),
    ("Nurul Aini", "Nur Aini", "mother_spelling"),
    ("Siti Rahmawati", "Rahmawati Siti", "swapped"),
    ("Dewi Lestari Putri", "Dewi Lestari Putri", "nik_typo"),
    ("Tjahjo Wibowo", "Cahyo Wibowo", "spelling"),
    ("Soeharto Gunawan", "Suharto Gunawan", "estimated"),
    ("Muhamad Fadli Ramadhan", "Muhammad Fadhli Ramadan", "spelling"),
    ("Andi Saputra", "Andi Saputra", "estimated_moved"),
    ("Anggun Pratiwi", "Anggun Pratiwi", "moved"),
]
NEAR_DUPLICATE_SEX = {
    "Nurul Aini": "F",
    "Siti Rahmawati": "F",
    "Dewi Lestari Putri": "F",
    "Anggun Pratiwi": "F",
}


@dataclass
class DemoChildrenSummary:
    created: bool
    children: int = 0
    cases: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class _Spec:
    """What one demo child and their case will be."""

    kota: str
    category: str
    age: int
    sex: str
    target: str
    worker: User
    supervisor_assigned: bool = True
    sensitive: bool = False
    name: str = ""
    mother: str = ""
    estimated: bool = False
    with_nik: bool = False
    reported_days_ago: float = 0.0
    variation: str = ""
    overrides: dict[str, Any] = field(default_factory=dict)
    child: Child | None = None
    partner_orgs: list[Organization] | None = None


def demo_children_seeded() -> bool:
    """Whether the demo children are there (their staff case workers are the marker)."""
    return User.objects.filter(email__endswith="@" + STAFF_EMAIL_DOMAIN).exists()


def demo_children_reset() -> None:
    """Delete every case and child record, the duplicate scans and the staff users. Demo
    databases only: called by :func:`simpul.demo.network.demo_reset`."""
    ChildMerge.objects.all().delete()
    Case.objects.all().delete()
    LegalBasis.objects.all().delete()
    Child.objects.all().delete()
    DuplicateScan.objects.all().delete()
    User.objects.filter(email__endswith="@" + STAFF_EMAIL_DOMAIN).delete()


@transaction.atomic
def demo_children_seed() -> DemoChildrenSummary:
    """Create the demo children and cases (needs the demo network). Does nothing when present."""
    if demo_children_seeded():
        return DemoChildrenSummary(created=False)
    started = timezone.now()
    seeder = _ChildrenSeeder()
    seeder.run()
    by_status: dict[str, int] = {}
    for status in Case.objects.values_list("status", flat=True):
        by_status[status] = by_status.get(status, 0) + 1
    return DemoChildrenSummary(
        created=True,
        children=Child.objects.count(),
        cases=Case.objects.count(),
        by_status=by_status,
        seconds=(timezone.now() - started).total_seconds(),
    )


class _ChildrenSeeder:
    def __init__(self) -> None:
        from simpul.demo.network import DEMO_PARTNER_LKSA, DEMO_USERS, DINSOS_NAME, SKPD_NAMES

        self.rng = random.Random(CHILD_SEED)
        self.niks: set[str] = set()
        self.fake = Faker("id_ID")
        self.fake.seed_instance(CHILD_SEED)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.worker = User.objects.get(email=DEMO_USERS[Role.CASE_WORKER])
        self.supervisor = User.objects.get(email=DEMO_USERS[Role.SUPERVISOR])
        self.org_staff = User.objects.get(email=DEMO_USERS[Role.ORG_STAFF])
        self.dinsos = Organization.objects.get(name=DINSOS_NAME)
        self.lksa = Organization.objects.get(name=DEMO_PARTNER_LKSA)
        self.ppapp = Organization.objects.get(name=SKPD_NAMES["ppapp"])
        self.disdik = Organization.objects.get(name=SKPD_NAMES["disdik"])
        self.dukcapil = Organization.objects.get(name=SKPD_NAMES["dukcapil"])
        self.sudins = {
            o.jurisdiction.code: o
            for o in Organization.objects.filter(org_type=OrganizationType.SUDINSOS).select_related(
                "jurisdiction"
            )
            if o.jurisdiction is not None
        }
        self.panti_timur = list(
            Organization.objects.filter(org_type=OrganizationType.PANTI, kota_code=JAKTIM).order_by(
                "name"
            )
        )
        self.categories = {c.code: c for c in Category.objects.filter(scheme=Category.Scheme.PMKS)}
        self.labels = {c.code: c for c in Category.objects.filter(scheme=Category.Scheme.FIELD)}
        self.subtypes = {
            (s.category.code, s.code): s for s in CategorySubtype.objects.select_related("category")
        }
        self.terms = {
            t.code: t
            for t in TaxonomyTerm.objects.filter(taxonomy=TaxonomyTerm.Taxonomy.SERVICE_TYPE)
        }
        kel = Region.objects.filter(code__startswith="31.", level=Region.Level.VILLAGE).order_by(
            "code"
        )
        self.kelurahan: dict[str, list[Region]] = {}
        for region in kel:
            self.kelurahan.setdefault(region.code[:5], []).append(region)
        self.staff = self._staff_workers()
        self.children: list[Child] = []

    # --- people ----------------------------------------------------------------------------------
    def _staff_workers(self) -> dict[str, list[User]]:
        """One case worker per Suku Dinas (two in Jakarta Timur: the demo user and a colleague)."""
        password = make_password(None)  # unusable: staff users never sign in
        out: dict[str, list[User]] = {JAKTIM: [self.worker]}
        for code, sudin in sorted(self.sudins.items()):
            user = User.objects.create(
                email=f"pekerja.sosial.{code.replace('.', '')}@{STAFF_EMAIL_DOMAIN}",
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
            out.setdefault(code, []).append(user)
        return out

    def _name(self, sex: str) -> str:
        first = self.fake.first_name_male() if sex == Sex.MALE else self.fake.first_name_female()
        roll = self.rng.random()
        if roll < 0.1:
            return first  # one-word names are common
        if roll < 0.3:
            middle = (
                self.fake.first_name_male() if sex == Sex.MALE else self.fake.first_name_female()
            )
            return f"{first} {middle} {self.fake.last_name()}"
        return f"{first} {self.fake.last_name()}"

    # --- the plan of the demo ----------------------------------------------------------------------
    def _specs(self) -> list[_Spec]:
        statuses = list(STATUS_WEIGHTS)
        weights = list(STATUS_WEIGHTS.values())
        cats = list(CATEGORY_AGES)
        cat_weights = [CATEGORY_AGES[c][0] for c in cats]
        specs: list[_Spec] = []
        for kota, count in KOTA_COUNTS.items():
            for i in range(count):
                # Every status at least once in every big kota, then by weight.
                target = (
                    statuses[i]
                    if i < len(statuses) and count >= len(statuses)
                    else self.rng.choices(statuses, weights)[0]
                )
                category = self.rng.choices(cats, cat_weights)[0]
                _w, lo, hi = CATEGORY_AGES[category]
                if category == "ABH" and self.rng.random() < 0.6:
                    lo = 12  # in conflict with the law: 12 and over
                if kota == JAKTIM:
                    worker = (
                        self.worker
                        if self.rng.random() < DEMO_WORKER_SHARE
                        else self.staff[JAKTIM][1]
                    )
                else:
                    worker = self.staff[kota][0]
                restricted = category in ("AKTK", "ABH")
                sensitive = not restricted and self.rng.random() < 0.04
                specs.append(
                    _Spec(
                        kota=kota,
                        category=category,
                        age=self.rng.randint(lo, hi),
                        sex=self.rng.choice([Sex.MALE, Sex.FEMALE]),
                        target=target,
                        worker=worker,
                        # Some restricted cases have no named supervisor: the demo supervisor then
                        # sees the name masked and gives a reason to open them.
                        supervisor_assigned=not (
                            (restricted or sensitive) and self.rng.random() < 0.5
                        ),
                        sensitive=sensitive,
                        estimated=self.rng.random() < 0.25,
                        with_nik=self.rng.random() < 0.4,
                        reported_days_ago=self._reported_days_ago(target),
                    )
                )
        self.rng.shuffle(specs)
        return specs

    def _reported_days_ago(self, target: str) -> float:
        if target in EARLY:
            # Half recent (deadlines still ahead), half reported long ago (overdue).
            return (
                self.rng.uniform(0.05, 1.5)
                if self.rng.random() < 0.45
                else self.rng.uniform(12, 120)
            )
        return self.rng.uniform(60, 400)

    # --- running ---------------------------------------------------------------------------------
    def run(self) -> None:
        specs = self._specs()
        # The first record of each near-duplicate pair is an ordinary demo child; the second
        # record comes later, registered by another worker (or office) who did not recognise it.
        firsts = specs[: len(NEAR_DUPLICATES)]
        for spec, (name, _variant, _how) in zip(firsts, NEAR_DUPLICATES, strict=True):
            spec.name = name
            spec.sex = NEAR_DUPLICATE_SEX.get(name, Sex.MALE)
            spec.category = "AT" if spec.category in ("ABT", "AKTK", "ABH") else spec.category
            spec.age = max(spec.age, 8)
            spec.estimated = False
            spec.with_nik = spec.with_nik or name == "Dewi Lestari Putri"
        for spec in specs:
            self.child_with_case(spec)
        for first_spec, (_first, second, how) in zip(firsts, NEAR_DUPLICATES, strict=True):
            self.child_with_case(self._variant_spec(first_spec, second, how))
        # Turning 18: children whose 18th birthday is near get their transition-review task.
        child_services.children_transition_tasks(self.today)

    def _variant_spec(self, base: _Spec, name: str, how: str) -> _Spec:
        original = base.child
        assert original is not None
        kota = base.kota
        if how in ("moved", "estimated_moved"):
            kota = self.rng.choice([k for k in KOTA_COUNTS if k not in (base.kota, "31.01")])
        if kota != JAKTIM:
            worker = self.staff[kota][0]
        else:  # the other Jakarta Timur worker did not recognise the child
            worker = self.staff[JAKTIM][1] if base.worker == self.worker else self.worker
        spec = _Spec(
            kota=kota,
            category=base.category,
            age=base.age,
            sex=original.sex,
            target=self.rng.choice(
                [S.REPORTED, S.REGISTERED, S.INITIAL_ASSESSMENT, S.FULL_ASSESSMENT]
            ),
            worker=worker,
            name=name,
            mother=original.mother_name,
            estimated=how.startswith("estimated"),
            reported_days_ago=self.rng.uniform(1, 30),
            variation=how,
        )
        overrides: dict[str, Any] = {"birth_date": original.birth_date}
        if how == "mother_spelling":
            overrides["mother_name"] = (
                original.mother_name.replace("a", "ah", 1) if original.mother_name else ""
            )
        if how == "nik_typo" and original.nik:
            # One mistyped digit of the serial number (never "0000", which is not a valid serial).
            typo = original.nik[:-1] + str((int(original.nik[-1]) + 3) % 10)
            overrides["nik"] = typo if not typo.endswith("0000") else original.nik[:-1] + "1"
        # A second registration never carries the first one's NIK: the registry refuses a NIK
        # already held (the worker is pointed to that record instead). Without a NIK (the family
        # card was not at hand) the matcher still finds the pair by name, mother and birth date.
        if how.startswith("estimated"):
            overrides = {
                "birth_date": None,
                "estimated_age": original.age,
                "age_estimate_reason": AgeEstimateReason.SELF_REPORT,
                "age_estimate_note": "Anak tidak tahu tanggal lahirnya.",
            }
        spec.overrides = overrides
        return spec

    def child_with_case(self, spec: _Spec) -> Child:
        child = self.register(spec)
        spec.child = child
        self.classify(spec, child)
        case = case_services.case_open(
            actor=spec.worker,
            child=child,
            intake_channel=self.rng.choice(INTAKE[spec.category]),
            intake_details=self.intake_details(spec, child),
            reported_at=self.now - dt.timedelta(days=spec.reported_days_ago),
            risk_level=self.risk(spec),
            lead_organization=self.sudins[spec.kota],
            supervisor=self.supervisor if spec.supervisor_assigned else None,
            is_sensitive=spec.sensitive,
            primary_category=self.categories[spec.category],
            **self.outreach(spec),
        )
        self.advance(spec, child, case)
        return child

    # --- the child -------------------------------------------------------------------------------
    def register(self, spec: _Spec) -> Child:
        kel = self.rng.choice(self.kelurahan[spec.kota])
        name = spec.name or self._name(spec.sex)
        mother = spec.mother or f"{self.fake.first_name_female()} {self.fake.last_name()}"
        if spec.category == "ABT" and spec.age < 1 and self.rng.random() < 0.5:
            mother = ""  # an abandoned baby: the mother is not known
        data: dict[str, Any] = {
            "full_name": name,
            "sex": spec.sex,
            "mother_name": mother,
            "current_kelurahan": kel,
            "religion": self.rng.choices(
                ["islam", "protestan", "katolik", "buddha", "hindu", "unknown"], [80, 8, 5, 2, 1, 4]
            )[0],
            "school_status": self.school_status(spec),
            "birth_certificate_status": self.rng.choices(
                ["has", "none", "in_process", "unknown"], [45, 30, 10, 15]
            )[0],
            "conditions": self.rng.sample(
                CATEGORY_CONDITIONS[spec.category],
                k=min(2, len(CATEGORY_CONDITIONS[spec.category])),
            ),
        }
        if spec.estimated:
            data.update(
                estimated_age=spec.age,
                age_estimate_reason=self.rng.choice(
                    [
                        AgeEstimateReason.SELF_REPORT,
                        AgeEstimateReason.OFFICER,
                        AgeEstimateReason.CAREGIVER,
                        AgeEstimateReason.MEDICAL,
                    ]
                ),
                age_estimate_note="Perkiraan saat penjangkauan.",
            )
        else:
            # Turned ``spec.age`` between 1 and 360 days ago: the completed age is exactly spec.age.
            try:
                anniversary = self.today.replace(year=self.today.year - spec.age)
            except ValueError:  # 29 February
                anniversary = dt.date(self.today.year - spec.age, 2, 28)
            born = anniversary - dt.timedelta(days=self.rng.randint(1, 360))
            data["birth_date"] = born
            if spec.with_nik:
                data["nik"] = self.nik(kel, born, spec.sex)
                data["no_kk"] = (
                    kel.code[:8].replace(".", "") + f"{self.rng.randint(0, 9_999_999_999):010d}"
                )
        if data["birth_certificate_status"] == "has" and not spec.estimated:
            data["birth_certificate_number"] = f"3175-LT-{self.rng.randint(10_000_000, 99_999_999)}"
        if spec.category == "ADK":
            data.update(
                has_disability=True,
                disability_types=[self.rng.choice(["fisik", "intelektual", "sensorik", "mental"])],
                functional_needs="Membutuhkan pendampingan untuk mobilitas dan kegiatan sehari-hari.",
            )
        if spec.category == "AJ":
            data["current_spot"] = self.rng.choice(STREET_SPOTS)
        else:
            data["current_address"] = f"{self.fake.street_address()}"
        if self.rng.random() < 0.3:
            data["origin_region_code"] = self.rng.choice(ORIGINS)
        data.update(spec.overrides)
        guardians = self.guardians(spec, mother)
        aliases = (
            [name.split()[0][:4]] if self.rng.random() < 0.15 and len(name.split()[0]) > 4 else []
        )
        try:
            return child_services.child_register(
                actor=spec.worker, data=data, aliases=aliases, guardians=guardians
            )
        except child_services.DuplicateSuspected as exc:
            # The worker looked at the records found and decided that this is another child (or,
            # for the near-duplicates of the demo, did not recognise the same child).
            seen = {c["child_id"] for c in exc.extra["candidates"] if c.get("child_id")}
            for _round in range(5):
                try:
                    return child_services.child_register(
                        actor=spec.worker,
                        data=dict(data),
                        aliases=aliases,
                        guardians=guardians,
                        confirm_not_duplicate_of=sorted(seen),
                    )
                except child_services.DuplicateSuspected as again:
                    seen |= {c["child_id"] for c in again.extra["candidates"] if c.get("child_id")}
            raise

    def nik(self, kel: Region, born: dt.date, sex: str) -> str:
        day = born.day + (40 if sex == Sex.FEMALE else 0)
        while True:
            nik = f"{kel.code[:8].replace('.', '')}{day:02d}{born.month:02d}{born.year % 100:02d}{self.rng.randint(1, 999):04d}"
            if nik not in self.niks:  # one NIK, one person
                self.niks.add(nik)
                return nik

    def school_status(self, spec: _Spec) -> str:
        if spec.age < 6:
            return "not_yet"
        if spec.category in ("AJ", "AT"):
            return self.rng.choice(
                ["dropped_out", "dropped_out", "in_school", "never", "non_formal"]
            )
        return self.rng.choice(["in_school", "in_school", "dropped_out", "unknown"])

    def guardians(self, spec: _Spec, mother: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []

        def phone() -> str:
            prefix = self.rng.choice(["12", "13", "21", "52", "57", "77", "95"])
            return f"08{prefix}{self.rng.randint(10_000_000, 99_999_999)}"

        if mother and self.rng.random() < 0.85:
            out.append(
                {
                    "relationship": Guardian.Relationship.MOTHER,
                    "full_name": mother,
                    "phone": phone(),
                    "is_primary_contact": True,
                    "lives_with_child": self.rng.random() < 0.6,
                }
            )
        if self.rng.random() < 0.45:
            out.append(
                {
                    "relationship": Guardian.Relationship.FATHER,
                    "full_name": f"{self.fake.first_name_male()} {self.fake.last_name()}",
                    "phone": phone() if self.rng.random() < 0.5 else "",
                    "lives_with_child": self.rng.random() < 0.4,
                    # In some violence cases the father is the alleged perpetrator: never contacted.
                    "is_alleged_perpetrator": spec.category == "AKTK" and self.rng.random() < 0.5,
                }
            )
        if not out or self.rng.random() < 0.2:
            out.append(
                {
                    "relationship": self.rng.choice(
                        [Guardian.Relationship.GRANDPARENT, Guardian.Relationship.UNCLE_AUNT]
                    ),
                    "full_name": f"{self.fake.first_name_female()} {self.fake.last_name()}",
                    "phone": phone(),
                    "is_primary_contact": not out,
                    "lives_with_child": True,
                }
            )
        return out

    def classify(self, spec: _Spec, child: Child) -> None:
        subtype = None
        if spec.category == "ABH":
            subtype = self.subtypes[
                (
                    "ABH",
                    "konflik"
                    if spec.age >= 12 and self.rng.random() < 0.7
                    else self.rng.choice(["korban", "saksi"]),
                )
            ]
        elif spec.category == "AJ":
            subtype = self.subtypes[
                ("AJ", self.rng.choice(["on_street", "on_street", "of_street", "family_of_street"]))
            ]
        child_services.child_classify(
            actor=spec.worker,
            child=child,
            category=self.categories[spec.category],
            subtype=subtype,
            is_primary=True,
        )
        if spec.category == "AJ" and self.rng.random() < 0.5:
            child_services.child_classify(
                actor=spec.worker, child=child, category=self.labels[self.rng.choice(FIELD_LABELS)]
            )
        if spec.category == "AJ" and spec.age >= 6 and self.rng.random() < 0.25:
            child_services.child_classify(
                actor=spec.worker, child=child, category=self.categories["AT"]
            )

    def intake_details(self, spec: _Spec, child: Child) -> str:
        texts = {
            "AJ": f"Ditemukan saat penjangkauan di {child.current_spot or 'titik rawan'}.",
            "AT": "Laporan warga: anak sering ditinggal sendiri tanpa pengasuhan.",
            "ABT": "Balita ditemukan tanpa pengasuh; dilaporkan melalui TRC.",
            "ADK": "Orang tua datang meminta dukungan terapi dan alat bantu.",
            "AKTK": "Rujukan dari puskesmas: tanda-tanda kekerasan pada anak.",
            "ABH": "Rujukan dari unit PPA kepolisian untuk pendampingan anak.",
            "AMPK": "Dugaan eksploitasi ekonomi; anak dipekerjakan di luar kehendaknya.",
        }
        return texts[spec.category]

    def risk(self, spec: _Spec) -> str:
        return self.rng.choice(RISK.get(spec.category, DEFAULT_RISK))

    def outreach(self, spec: _Spec) -> dict[str, Any]:
        if spec.category not in ("AJ", "AMPK"):
            return {}
        if self.rng.random() < 0.12:
            return {
                "outreach_method": OutreachMethod.COERCIVE,
                "coercive_justification": "Anak berada di jalur cepat lalu lintas malam hari dan menolak dibujuk; "
                "penjangkauan bersama Satpol PP demi keselamatan anak.",
            }
        return {"outreach_method": OutreachMethod.PERSUASIVE}

    # --- the case --------------------------------------------------------------------------------
    def advance(self, spec: _Spec, child: Child, case: Case) -> None:
        """Take the case through the workflow, with the services, up to ``spec.target``."""
        w, sup, target = spec.worker, self.supervisor, spec.target

        def step(to: str, reason: str = "") -> None:
            case_services.case_transition(actor=w, case=case, to_status=to, reason=reason)

        if target == S.REPORTED:
            if self.rng.random() < 0.5:
                case_services.case_note_add(
                    actor=w,
                    case=case,
                    text="Kontak pertama dengan anak; identitas belum dapat dipastikan.",
                )
            return
        step(S.REGISTERED)
        if self.rng.random() < 0.6:
            case_services.case_note_add(
                actor=w,
                case=case,
                text="Kunjungan pertama: anak mau berbicara dengan pekerja sosial.",
            )
        if target == S.REGISTERED:
            return
        step(S.INITIAL_ASSESSMENT)
        initial = case_services.assessment_save(
            actor=w,
            case=case,
            kind="initial",
            data={**INITIAL, "risk_level_proposed": case.risk_level},
        )
        if target == S.INITIAL_ASSESSMENT:
            return  # the initial assessment is a draft: its deadline may be overdue
        case_services.assessment_submit(actor=w, assessment=initial)
        if target == S.URGENT_PROTECTION:
            step(
                S.URGENT_PROTECTION,
                "Anak dalam bahaya langsung: dipindahkan ke rumah aman malam ini.",
            )
            return
        step(S.FULL_ASSESSMENT)
        full = case_services.assessment_save(actor=w, case=case, kind="full", data=FULL)
        if target == S.FULL_ASSESSMENT:
            variant = self.rng.randrange(3)
            if variant >= 1:
                case_services.assessment_submit(
                    actor=w, assessment=full
                )  # waits in the approval queue
            if variant == 2:
                case_services.assessment_approve(
                    actor=sup, assessment=full, note="Asesmen lengkap dan jelas."
                )
                self.consents(spec, child, case)
                plan = self.plan(spec, child, case)
                case_services.plan_submit(actor=w, plan=plan)  # the plan waits for approval
            return
        case_services.assessment_submit(actor=w, assessment=full)
        case_services.assessment_approve(actor=sup, assessment=full, note="Disetujui.")
        self.consents(spec, child, case)
        plan = self.plan(spec, child, case)
        case_services.plan_submit(actor=w, plan=plan)
        case_services.plan_approve(actor=sup, plan=plan, note="Rencana sesuai hasil asesmen.")
        if target == S.PLAN_APPROVED:
            return
        step(S.IMPLEMENTATION)
        self.deliver(spec, case, plan)
        placement = self.place(spec, case)
        if target == S.IMPLEMENTATION:
            return
        if target == S.REVIEW or (target == S.REINTEGRATION and self.rng.random() < 0.5):
            step(S.REVIEW)
            review = case_services.assessment_save(actor=w, case=case, kind="review", data=REVIEW)
            case_services.assessment_submit(actor=w, assessment=review)
            if target == S.REVIEW:
                return
        step(S.REINTEGRATION)
        if target == S.REINTEGRATION:
            return
        if placement is not None:
            case_services.placement_end(
                actor=w,
                placement=placement,
                end_date=self.today,
                reason="Anak kembali ke keluarga setelah reunifikasi.",
            )
        reason = self.rng.choice(
            [ClosureReason.GOALS_MET, ClosureReason.GOALS_MET, ClosureReason.FAMILY_DECLINES]
        )
        case_services.case_close_request(
            actor=w,
            case=case,
            reason=reason,
            note="Tujuan rencana tercapai; anak aman bersama keluarga.",
        )
        if target == S.CLOSURE_PENDING:
            return
        case_services.case_close_approve(actor=sup, case=case)
        if target == S.AFTERCARE:
            step(S.AFTERCARE)
        elif target == S.REOPENED:
            step(S.REOPENED, "Anak kembali terlihat di titik rawan; laporan warga.")

    def consents(self, spec: _Spec, child: Child, case: Case) -> None:
        """Consent to services, and to sharing with the partners of the plan (or, when a parent is
        the alleged perpetrator, a legal basis recorded by the supervisor)."""
        primary = child.guardians.filter(is_alleged_perpetrator=False).first()
        given_by = primary.full_name if primary else child.mother_name or "Wali anak"
        relationship = primary.relationship if primary else Guardian.Relationship.OTHER
        common: dict[str, Any] = {
            "given_by_name": given_by,
            "given_by_relationship": relationship,
            "child_view": "Anak setuju dan mau dibantu.",
            "child_agrees": True,
            "method": self.rng.choice([Consent.Method.WRITTEN, Consent.Method.VERBAL_WITNESSED]),
            "notice_version": "2024-1",
        }
        child_services.consent_record(
            actor=spec.worker, child=child, purpose=Consent.Purpose.SERVICES, **common
        )
        partners = self.partners(spec)
        if not partners:
            return
        if spec.category == "AKTK" and child.guardians.filter(is_alleged_perpetrator=True).exists():
            child_services.legal_basis_record(
                actor=self.supervisor,
                child=child,
                purpose=Consent.Purpose.SHARING,
                basis=LegalBasis.Basis.VITAL_INTEREST,
                organizations=partners,
                justification="Ayah adalah terduga pelaku; persetujuan tidak dapat diminta tanpa membahayakan anak.",
            )
        else:
            child_services.consent_record(
                actor=spec.worker,
                child=child,
                purpose=Consent.Purpose.SHARING,
                organizations=partners,
                **common,
            )

    def partners(self, spec: _Spec) -> list[Organization]:
        """The non-government organisations the plan (and a placement) will involve."""
        if spec.partner_orgs is None:
            out: list[Organization] = []
            if (
                spec.kota == JAKTIM
                and spec.category in ("AT", "AJ", "ABT", "AMPK")
                and self.rng.random() < 0.45
            ):
                out.append(self.lksa)
            if spec.category in ("AKTK", "AMPK") or (
                spec.category == "ABH" and self.rng.random() < 0.5
            ):
                out.append(self.ppapp)
            if spec.age >= 6 and self.rng.random() < 0.3:
                out.append(self.disdik)
            if self.rng.random() < 0.2:
                out.append(self.dukcapil)
            if (
                spec.kota == JAKTIM
                and self.panti_timur
                and spec.category in ("AT", "ABT")
                and self.rng.random() < 0.2
            ):
                out.append(self.panti_timur[0] if spec.category == "ABT" else self.panti_timur[-1])
            spec.partner_orgs = out
        return spec.partner_orgs

    def plan(self, spec: _Spec, child: Child, case: Case) -> Any:
        w = spec.worker
        lead = self.sudins[spec.kota]
        due = self.today + dt.timedelta(days=self.rng.randint(20, 120))
        plan = case_services.plan_create(
            actor=w, case=case, summary="Anak aman, kembali bersekolah dan diasuh keluarga."
        )
        goal = case_services.plan_goal_add(
            actor=w, plan=plan, description="Anak aman dan kebutuhan dasarnya terpenuhi."
        )
        case_services.plan_action_add(
            actor=w,
            goal=goal,
            description="Pendampingan pekerja sosial dan kunjungan rumah bulanan.",
            responsible_organization=lead,
            due_date=due,
            service_type=self.terms.get("case-management"),
        )
        partners = self.partners(spec)
        actions = {
            self.lksa.pk: (
                "Pengasuhan sementara dan pendampingan harian di LKSA.",
                "residential-care",
            ),
            self.ppapp.pk: (
                "Pendampingan psikologis dan perlindungan korban (UPT P2TP2A).",
                "child-protection",
            ),
            self.disdik.pk: ("Pendaftaran kembali ke sekolah atau kelas paket.", "education"),
            self.dukcapil.pk: ("Penerbitan akta kelahiran dan KIA.", "civil-registration"),
        }
        if partners:
            goal2 = case_services.plan_goal_add(
                actor=w,
                plan=plan,
                description="Anak mendapat layanan dari mitra sesuai kebutuhannya.",
            )
            for org in partners:
                text, term = actions.get(
                    org.pk,
                    ("Pengasuhan sementara di panti sosial (upaya terakhir).", "residential-care"),
                )
                case_services.plan_action_add(
                    actor=w,
                    goal=goal2,
                    description=text,
                    responsible_organization=org,
                    due_date=due,
                    service_type=self.terms.get(term),
                )
        return plan

    def deliver(self, spec: _Spec, case: Case, plan: Any) -> None:
        lead = self.sudins[spec.kota]
        case_services.service_delivery_record(
            actor=spec.worker,
            case=case,
            service_type=self.terms["case-management"],
            organization=lead,
            delivered_on=self.today - dt.timedelta(days=self.rng.randint(1, 30)),
            description="Kunjungan rumah dan konseling keluarga.",
        )
        if self.lksa in self.partners(spec):
            # The partner records its own service (the org_staff demo user).
            case_services.service_delivery_record(
                actor=self.org_staff,
                case=case,
                service_type=self.terms["residential-care"],
                organization=self.lksa,
                delivered_on=self.today - dt.timedelta(days=self.rng.randint(1, 20)),
                description="Pengasuhan harian dan bimbingan belajar.",
            )

    def place(self, spec: _Spec, case: Case) -> Any:
        homes = [
            o for o in self.partners(spec) if o == self.lksa or o.org_type == OrganizationType.PANTI
        ]
        if not homes or self.rng.random() < 0.4:
            return None
        org = homes[0]
        service = (
            Service.objects.filter(
                organization=org,
                service_type__code="residential-care",
                capacity_total__isnull=False,
            )
            .with_free_capacity()
            .first()
        )
        if service is None:
            return None
        start = self.today - dt.timedelta(days=self.rng.randint(5, 60))
        try:
            return case_services.placement_start(
                actor=spec.worker,
                case=case,
                organization=org,
                service=service,
                start_date=start,
                review_due=start + dt.timedelta(days=90),
                gatekeeping_note="Keluarga inti dan kerabat sudah dihubungi; belum ada yang dapat mengasuh sementara.",
            )
        except ApplicationError:
            return None
