"""Demo children: a few hundred synthetic children across the PMKS categories and the six kota,
registered and classified through the SERVICES as the case workers who met them, at the moment
they met them (the case story in :mod:`simpul.demo.cases` decides when).

Everything is synthetic (Faker ``id_ID`` with a fixed seed, so the demo is the same everywhere
for the same day):

- Jakarta Timur (the demo case worker's Suku Dinas) has most children; every other kota has its
  own, handled by the case workers of its Suku Dinas (about 30 cases each).
- A child's age stays the same from registration to the demo's day (the birthday of that age
  falls before the registration), so every category's age rule holds on both days.
- ~10 pairs of records of one child under spelling variants, the second registered weeks or
  months after the first by a worker who did not recognise the child, for the duplicate check,
  the scan and the supervisors' review.
- A spreadsheet of children uploaded by the data operator the day before waits for a decision.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from simpul.accounts.models import User
from simpul.cases.models import Case, CaseStatus
from simpul.children import services as child_services
from simpul.children.models import (
    AgeEstimateReason,
    Child,
    ChildImport,
    ChildMerge,
    DuplicateScan,
    Guardian,
    LegalBasis,
    NameToken,
    Sex,
)
from simpul.demo.world import STAFF_EMAIL_DOMAIN, DemoWorld
from simpul.regions.models import Region

if TYPE_CHECKING:
    from simpul.demo.cases import CaseStory

# Children per kota (Jakarta Timur: the demo case worker's caseload and four colleagues').
KOTA_COUNTS = {"31.75": 150, "31.71": 32, "31.72": 30, "31.73": 30, "31.74": 30, "31.01": 18}

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
# A child in immediate danger: violence, exploitation, an abandoned baby.
URGENT_CATEGORIES = ("AKTK", "AMPK", "ABT")

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
# Fast lanes where outreach at night finds children between the cars.
TRAFFIC_LANES = [
    "jalur cepat Jl. D.I. Panjaitan, Cawang",
    "jalur cepat Jl. Jenderal Sudirman, Semanggi",
    "jalur cepat Jl. Letjen S. Parman, Slipi",
    "jalur cepat Jl. M.T. Haryono, Pancoran",
    "jalur cepat Jl. Gatot Subroto, Kuningan",
    "simpang jalur cepat Jl. Raya Bogor, Pasar Rebo",
]
ORIGINS = ["32.75", "32.16", "32.01", "36.71", "36.03", "33.74", "33.09", "32.73", "35.78", "18.71"]

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
# The first record of a near-duplicate pair: a child known for months (the case is well under
# way), so the second registration comes clearly later.
ORIGINAL_TARGETS = [S.PLAN_APPROVED, S.IMPLEMENTATION, S.REVIEW, S.REINTEGRATION]
VARIANT_TARGETS = [S.REPORTED, S.REGISTERED, S.INITIAL_ASSESSMENT, S.FULL_ASSESSMENT]


@dataclass
class DemoChildrenSummary:
    created: bool
    children: int = 0
    cases: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    steps: int = 0


@dataclass
class DemoChild:
    """What one demo child will be (planned before anything is written)."""

    key: str  # stable name of the child in the plan (seeds its story's random draws)
    kota: str
    category: str
    age: int
    sex: str
    target: str
    worker: User
    supervisor_assigned: bool = True
    sensitive: bool = False
    name: str = ""
    estimated: bool = False
    with_nik: bool = False
    conditions: list[str] = field(default_factory=list)
    subtype: str = ""
    field_label: str = ""
    also_at: bool = False  # a street child also classified as neglected (AT)
    abandoned: bool = False  # a baby found without a carer: the mother is not known
    variation: str = ""
    original: DemoChild | None = None
    variant_of_index: int = -1  # position of the pair in NEAR_DUPLICATES
    data: dict[str, Any] = field(default_factory=dict)  # for child_register
    aliases: list[str] = field(default_factory=list)
    guardians: list[dict[str, Any]] = field(default_factory=list)
    story: CaseStory | None = None
    child: Child | None = None


def demo_children_seeded() -> bool:
    """Whether the demo children are there (their staff case workers are the marker)."""
    return User.objects.filter(email__endswith="@" + STAFF_EMAIL_DOMAIN).exists()


def demo_children_reset() -> None:
    """Delete every case and child record, the duplicate scans, the imports, the name-token
    counts and the staff users. Demo databases only: called by
    :func:`simpul.demo.seed.demo_reset`."""
    ChildMerge.objects.all().delete()
    Case.objects.all().delete()
    LegalBasis.objects.all().delete()
    Child.objects.all().delete()
    DuplicateScan.objects.all().delete()
    for job in ChildImport.objects.exclude(file=""):
        job.file.delete(save=False)
    ChildImport.objects.all().delete()
    # The name-token counts weigh names in the duplicate check: with every child gone, so are
    # they (otherwise a reseeded demo would score its near-duplicates differently).
    NameToken.objects.all().delete()
    User.objects.filter(email__endswith="@" + STAFF_EMAIL_DOMAIN).delete()


# --- planning ------------------------------------------------------------------------------------
def plan_children(world: DemoWorld, counts: dict[str, int]) -> list[DemoChild]:
    """Every demo child: kota, category, age, case worker and how far its case has come. The
    first ``len(NEAR_DUPLICATES)`` are the first records of the near-duplicate pairs."""
    rng = world.rng
    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())
    cats = list(CATEGORY_AGES)
    cat_weights = [CATEGORY_AGES[c][0] for c in cats]
    plans: list[DemoChild] = []
    for kota, count in counts.items():
        workers = world.workers[kota]
        for i in range(count):
            # Every status at least once in every big kota, then by weight.
            target = (
                statuses[i]
                if i < len(statuses) and count >= len(statuses)
                else rng.choices(statuses, weights)[0]
            )
            category = rng.choices(cats, cat_weights)[0]
            if target == S.URGENT_PROTECTION and category not in URGENT_CATEGORIES:
                category = rng.choice(URGENT_CATEGORIES)
            _w, lo, hi = CATEGORY_AGES[category]
            if category == "ABH" and rng.random() < 0.6:
                lo = 12  # in conflict with the law: 12 and over
            restricted = category in ("AKTK", "ABH")
            sensitive = not restricted and rng.random() < 0.04
            plans.append(
                DemoChild(
                    key=f"{kota}-{i}",
                    kota=kota,
                    category=category,
                    age=rng.randint(lo, hi),
                    sex=rng.choice([Sex.MALE, Sex.FEMALE]),
                    target=target,
                    worker=workers[i % len(workers)],
                    # Some restricted cases have no named supervisor: the demo supervisor then
                    # sees the name masked and gives a reason to open them.
                    supervisor_assigned=not ((restricted or sensitive) and rng.random() < 0.5),
                    sensitive=sensitive,
                    estimated=rng.random() < 0.25,
                    with_nik=rng.random() < 0.4,
                )
            )
    rng.shuffle(plans)
    for demo in plans:
        _classification(world, demo)
    # The first record of each near-duplicate pair is an ordinary demo child known for months.
    for demo, (name, _second, _how) in zip(plans, NEAR_DUPLICATES, strict=False):
        demo.name = name
        demo.sex = NEAR_DUPLICATE_SEX.get(name, Sex.MALE)
        if demo.category in ("ABT", "AKTK", "ABH"):
            demo.category = "AT"
            _classification(world, demo)
        demo.age = max(demo.age, 8)
        demo.estimated = False
        demo.with_nik = demo.with_nik or name == "Dewi Lestari Putri"
        demo.target = rng.choice(ORIGINAL_TARGETS)
    return plans


def _classification(world: DemoWorld, demo: DemoChild) -> None:
    rng = world.rng
    options = CATEGORY_CONDITIONS[demo.category]
    demo.conditions = rng.sample(options, k=min(2, len(options)))
    demo.subtype = ""
    if demo.category == "ABH":
        demo.subtype = (
            "konflik" if demo.age >= 12 and rng.random() < 0.7 else rng.choice(["korban", "saksi"])
        )
    elif demo.category == "AJ":
        demo.subtype = rng.choice(["on_street", "on_street", "of_street", "family_of_street"])
    demo.field_label = rng.choice(FIELD_LABELS) if demo.category == "AJ" else ""
    if demo.field_label and rng.random() < 0.5:
        demo.field_label = ""
    demo.also_at = demo.category == "AJ" and rng.random() < 0.25
    demo.abandoned = demo.category == "ABT" and demo.age < 1 and rng.random() < 0.5


def plan_variants(world: DemoWorld, originals: list[DemoChild]) -> list[DemoChild]:
    """The second record of each near-duplicate pair: same child, another spelling, registered
    later by a worker (or office) who did not recognise it."""
    rng = world.rng
    out = []
    for index, (base, (_first, name, how)) in enumerate(
        zip(originals, NEAR_DUPLICATES, strict=False)
    ):
        kota = base.kota
        if how in ("moved", "estimated_moved"):
            kota = rng.choice([k for k in world.workers if k not in (base.kota, "31.01")])
        others = [w for w in world.workers[kota] if w.pk != base.worker.pk]
        demo = DemoChild(
            key=f"variant-{index}",
            kota=kota,
            category=base.category,
            age=base.age,
            sex=base.sex,
            target=rng.choice(VARIANT_TARGETS),
            worker=rng.choice(others) if others else base.worker,
            name=name,
            estimated=how.startswith("estimated"),
            variation=how,
            original=base,
            variant_of_index=index,
            conditions=list(base.conditions),
            subtype=base.subtype,
        )
        out.append(demo)
    return out


def plan_identity(world: DemoWorld, demo: DemoChild, registered_on: dt.date) -> None:
    """The facts the worker writes down at registration (``demo.data``, guardians, aliases)."""
    rng, fake = world.rng, world.fake
    kel = rng.choice(world.kelurahan[demo.kota])
    original = demo.original
    name = demo.name or _name(world, demo.sex)
    if original is not None:
        mother = original.data.get("mother_name", "")
        if demo.variation == "mother_spelling" and mother:
            mother = mother.replace("a", "ah", 1)
    else:
        mother = "" if demo.abandoned else f"{fake.first_name_female()} {fake.last_name()}"
    data: dict[str, Any] = {
        "full_name": name,
        "sex": demo.sex,
        "mother_name": mother,
        "current_kelurahan": kel,
        "religion": rng.choices(
            ["islam", "protestan", "katolik", "buddha", "hindu", "unknown"], [80, 8, 5, 2, 1, 4]
        )[0],
        "school_status": _school_status(world, demo),
        "birth_certificate_status": rng.choices(
            ["has", "none", "in_process", "unknown"], [45, 30, 10, 15]
        )[0],
        "conditions": list(demo.conditions),
    }
    if demo.estimated:
        data.update(
            estimated_age=demo.age,
            age_estimate_reason=rng.choice(
                [
                    AgeEstimateReason.SELF_REPORT,
                    AgeEstimateReason.OFFICER,
                    AgeEstimateReason.CAREGIVER,
                    AgeEstimateReason.MEDICAL,
                ]
            ),
            age_estimate_note="Perkiraan saat penjangkauan.",
        )
    elif original is not None and original.data.get("birth_date"):
        data["birth_date"] = original.data["birth_date"]
    else:
        born = _birth_date(world, demo.age, registered_on)
        data["birth_date"] = born
        if demo.with_nik:
            data["nik"] = _nik(world, kel, born, demo.sex)
            data["no_kk"] = kel.code[:8].replace(".", "") + f"{rng.randint(0, 9_999_999_999):010d}"
    if original is not None and demo.variation == "nik_typo" and original.data.get("nik"):
        # The NIK read from a blurred family card: one digit of the serial number differs
        # (never "0000", which is not a valid serial). The registry refuses a NIK another child
        # holds, so a second registration never carries the first one's NIK.
        nik = original.data["nik"]
        typo = nik[:-1] + str((int(nik[-1]) + 3) % 10)
        data["nik"] = typo if not typo.endswith("0000") else nik[:-1] + "1"
    if demo.variation.startswith("estimated"):
        data["age_estimate_note"] = "Anak tidak tahu tanggal lahirnya."
        data["age_estimate_reason"] = AgeEstimateReason.SELF_REPORT
    if data["birth_certificate_status"] == "has" and not demo.estimated:
        data["birth_certificate_number"] = f"3175-LT-{rng.randint(10_000_000, 99_999_999)}"
    if demo.category == "ADK":
        data.update(
            has_disability=True,
            disability_types=[rng.choice(["fisik", "intelektual", "sensorik", "mental"])],
            functional_needs="Membutuhkan pendampingan untuk mobilitas dan kegiatan sehari-hari.",
        )
    if demo.category == "AJ":
        data["current_spot"] = rng.choice(STREET_SPOTS)
    else:
        data["current_address"] = f"{fake.street_address()}"
    if rng.random() < 0.3:
        data["origin_region_code"] = rng.choice(ORIGINS)
    demo.data = data
    demo.guardians = _guardians(world, demo, mother)
    first = name.split()[0]
    demo.aliases = [first[:4]] if rng.random() < 0.15 and len(first) > 4 else []


def _name(world: DemoWorld, sex: str) -> str:
    fake, rng = world.fake, world.rng
    first = fake.first_name_male() if sex == Sex.MALE else fake.first_name_female()
    roll = rng.random()
    if roll < 0.1:
        return first  # one-word names are common
    if roll < 0.3:
        middle = fake.first_name_male() if sex == Sex.MALE else fake.first_name_female()
        return f"{first} {middle} {fake.last_name()}"
    return f"{first} {fake.last_name()}"


def _birth_date(world: DemoWorld, age: int, registered_on: dt.date) -> dt.date:
    """A birth date that gives ``age`` both on the registration day and on the demo's day: the
    birthday of that age falls in the year before the demo's day, on or before registration."""
    today = world.clock.today
    earliest = today - dt.timedelta(days=364)
    latest = min(registered_on, today)
    span = max(0, (latest - earliest).days)
    birthday = latest - dt.timedelta(days=world.rng.randint(0, span))
    try:
        return birthday.replace(year=birthday.year - age)
    except ValueError:  # 29 February
        return dt.date(birthday.year - age, 2, 28)


def _nik(world: DemoWorld, kel: Region, born: dt.date, sex: str) -> str:
    day = born.day + (40 if sex == Sex.FEMALE else 0)
    while True:
        nik = (
            f"{kel.code[:8].replace('.', '')}{day:02d}{born.month:02d}{born.year % 100:02d}"
            f"{world.rng.randint(1, 999):04d}"
        )
        if nik not in world.niks:  # one NIK, one person
            world.niks.add(nik)
            return nik


def _school_status(world: DemoWorld, demo: DemoChild) -> str:
    rng = world.rng
    if demo.age < 6:
        return "not_yet"
    if demo.category in ("AJ", "AT"):
        return rng.choice(["dropped_out", "dropped_out", "in_school", "never", "non_formal"])
    return rng.choice(["in_school", "in_school", "dropped_out", "unknown"])


def _guardians(world: DemoWorld, demo: DemoChild, mother: str) -> list[dict[str, Any]]:
    rng, fake = world.rng, world.fake
    out: list[dict[str, Any]] = []

    def phone() -> str:
        prefix = rng.choice(["12", "13", "21", "52", "57", "77", "95"])
        return f"08{prefix}{rng.randint(10_000_000, 99_999_999)}"

    if mother and rng.random() < 0.85:
        out.append(
            {
                "relationship": Guardian.Relationship.MOTHER,
                "full_name": mother,
                "phone": phone(),
                "is_primary_contact": True,
                "lives_with_child": rng.random() < 0.6,
            }
        )
    if rng.random() < 0.45:
        out.append(
            {
                "relationship": Guardian.Relationship.FATHER,
                "full_name": f"{fake.first_name_male()} {fake.last_name()}",
                "phone": phone() if rng.random() < 0.5 else "",
                "lives_with_child": rng.random() < 0.4,
                # In some violence cases the father is the alleged perpetrator: never contacted.
                "is_alleged_perpetrator": demo.category == "AKTK" and rng.random() < 0.5,
            }
        )
    if not out or rng.random() < 0.2:
        out.append(
            {
                "relationship": rng.choice(
                    [Guardian.Relationship.GRANDPARENT, Guardian.Relationship.UNCLE_AUNT]
                ),
                "full_name": f"{fake.first_name_female()} {fake.last_name()}",
                "phone": phone(),
                "is_primary_contact": not out,
                "lives_with_child": True,
            }
        )
    return out


# --- writing (inside the story, at its moment) ---------------------------------------------------
def register(world: DemoWorld, demo: DemoChild) -> Child:
    """Register the child through the service, with the duplicate check the worker sees."""
    try:
        child = child_services.child_register(
            actor=demo.worker, data=dict(demo.data), aliases=demo.aliases, guardians=demo.guardians
        )
    except child_services.DuplicateSuspected as exc:
        # The worker looked at the records found and decided that this is another child (or,
        # for the near-duplicates of the demo, did not recognise the same child).
        seen = {c["child_id"] for c in exc.extra["candidates"] if c.get("child_id")}
        for _round in range(5):
            try:
                child = child_services.child_register(
                    actor=demo.worker,
                    data=dict(demo.data),
                    aliases=demo.aliases,
                    guardians=demo.guardians,
                    confirm_not_duplicate_of=sorted(seen),
                )
                break
            except child_services.DuplicateSuspected as again:
                seen |= {c["child_id"] for c in again.extra["candidates"] if c.get("child_id")}
        else:
            raise
    demo.child = child
    return child


def classify(world: DemoWorld, demo: DemoChild, child: Child) -> None:
    subtype = world.subtypes[(demo.category, demo.subtype)] if demo.subtype else None
    child_services.child_classify(
        actor=demo.worker,
        child=child,
        category=world.categories[demo.category],
        subtype=subtype,
        is_primary=True,
    )
    if demo.field_label:
        child_services.child_classify(
            actor=demo.worker, child=child, category=world.labels[demo.field_label]
        )
    if demo.also_at and demo.age >= 6:
        child_services.child_classify(
            actor=demo.worker, child=child, category=world.categories["AT"]
        )


def duplicate_scan(world: DemoWorld) -> None:
    """The supervisor runs the duplicate scan (the pairs then wait for review on the home page)."""
    scan = child_services.duplicate_scan_start(actor=world.supervisor)
    child_services.duplicate_scan_run(scan=scan)


def import_waiting(world: DemoWorld) -> None:
    """The data operator uploads a spreadsheet of children from an outreach round; it is checked
    and waits for the operator's decision (one row looks like a child already registered)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    from simpul.children.imports import COLUMNS, child_import_upload, child_import_validate

    rng, fake = world.rng, world.fake
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "anak"
    sheet.append(list(COLUMNS))
    kel = world.kelurahan["31.72"]
    for _i in range(7):
        sex = rng.choice(["L", "P"])
        name = _name(world, Sex.MALE if sex == "L" else Sex.FEMALE)
        row: dict[str, Any] = dict.fromkeys(COLUMNS, "")
        row.update(
            nama_lengkap=name,
            jenis_kelamin=sex,
            usia_perkiraan=rng.randint(8, 15),
            alasan_perkiraan="anak",
            nama_ibu=f"{fake.first_name_female()} {fake.last_name()}",
            kelurahan_kode=rng.choice(kel).code,
            lokasi_jalanan=rng.choice(STREET_SPOTS),
            status_sekolah="putus sekolah",
            kategori="AJ",
            kondisi="street_most_of_day; earning_on_street",
            catatan="Penjangkauan malam bersama P3S",
        )
        sheet.append([row[c] for c in COLUMNS])
    known = Child.objects.filter(current_kota_code="31.72", birth_date__isnull=False).first()
    if known is not None:  # a child met again on this round, written down as new
        row = dict.fromkeys(COLUMNS, "")
        row.update(
            nama_lengkap=known.full_name,
            jenis_kelamin="L" if known.sex == Sex.MALE else "P",
            tanggal_lahir=known.birth_date.strftime("%d/%m/%Y") if known.birth_date else "",
            nama_ibu=known.mother_name,
            kelurahan_kode=known.current_kelurahan.code if known.current_kelurahan else "",
            status_sekolah="putus sekolah",
            kategori="AJ",
            catatan="Penjangkauan malam bersama P3S",
        )
        sheet.append([row[c] for c in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    name = f"penjangkauan-jakarta-utara-{world.import_at:%Y%m%d}.xlsx"
    job = child_import_upload(
        actor=world.data_operator, file=SimpleUploadedFile(name, buffer.getvalue())
    )
    child_import_validate(job=job)
