"""The demo network: Dinas Sosial DKI Jakarta, its Suku Dinas, panti, partner organisations,
SKPDs, and one demo user per role.

Everything here is synthetic (word lists + Faker id_ID, fixed seeds), apart from the names of
public offices (Dinas Sosial, the Suku Dinas, the panti, the SKPDs, LBH APIK Jakarta). The demo
exists only when ``settings.DEMO`` is on (``SIMPUL_DEMO=true``); :func:`simpul.demo.seed.demo_seed`
refuses otherwise unless forced.

The organisations, services and users are data set-up, not user actions: they are written with
``bulk_create`` at the demo's set-up moment (:attr:`simpul.demo.clock.DemoClock.setup`, about
thirteen months before the demo's day), with a single audit event, ``demo.seeded``. What happens
afterwards goes through the services, each at its own moment of the timeline: the monthly
capacity figures of the panti, LKSA, shelters and day-care (``service_capacity_update``) and the
supervisor invitation waiting for approval (``invitation_create``).
"""

from __future__ import annotations

import base64
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from faker import Faker
from lokal import parse_phone

from simpul.accounts.models import Membership, Role, User
from simpul.core.audit import audit_log
from simpul.core.exceptions import ApplicationError
from simpul.demo.clock import DemoClock, Timeline, is_working_day
from simpul.directory.models import (
    ACCREDITATION_VALIDITY_YEARS,
    CapacityRecord,
    LegalStatus,
    Location,
    Organization,
    OrganizationType,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceStatus,
    TaxonomyTerm,
)
from simpul.directory.services import service_capacity_update
from simpul.regions.models import DKI_JAKARTA, Region

# --- public constants (README, browser tests) ---------------------------------------------------

DEMO_PASSWORD = "simpul-demo"
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # base32; the demo's fixed authenticator secret
DEMO_EMAIL_DOMAIN = "demo.simpul.test"
DEMO_USERS: dict[str, str] = {role.value: f"{role.value}@{DEMO_EMAIL_DOMAIN}" for role in Role}
DEMO_TWO_FACTOR_ROLES = (Role.SYSTEM_ADMIN.value, Role.SUPERVISOR.value)
# A supervisor invitation made by the demo system admin, awaiting a second person's approval.
DEMO_PENDING_SUPERVISOR_EMAIL = "calon.supervisor@demo.simpul.test"

DINSOS_NAME = "Dinas Sosial Provinsi DKI Jakarta"
# The LKSA in Jakarta Timur (with free places) whose admin and staff are demo users.
DEMO_PARTNER_LKSA = "LKSA Kasih Bunda 12"
DEMO_PARTNER_KOTA = "31.75"
DEMO_BUSINESS = "PT Sinar Peduli Nusantara"
NGO_COUNTS: dict[str, int] = {
    OrganizationType.LKSA: 53,
    OrganizationType.RUMAH_SINGGAH: 22,
    OrganizationType.TAS: 12,
    OrganizationType.YAYASAN: 22,
    OrganizationType.ORSOS: 17,
}
SEED = 20120817  # fixed: the demo is the same on every machine

SKPD_NAMES = {
    "dukcapil": "Dinas Kependudukan dan Pencatatan Sipil (Dukcapil) Provinsi DKI Jakarta",
    "dinkes": "Dinas Kesehatan (Dinkes) Provinsi DKI Jakarta",
    "disdik": "Dinas Pendidikan (Disdik) Provinsi DKI Jakarta",
    "ppapp": "Dinas Pemberdayaan, Perlindungan Anak dan Pengendalian Penduduk (PPAPP) "
    "Provinsi DKI Jakarta",
    "diskominfotik": "Dinas Komunikasi, Informatika dan Statistik (Diskominfotik) "
    "Provinsi DKI Jakarta",
    "satpolpp": "Satuan Polisi Pamong Praja (Satpol PP) Provinsi DKI Jakarta",
}
LBH_NAME = "LBH APIK Jakarta"


@dataclass
class DemoSummary:
    created: bool
    counts: dict[str, int] = field(default_factory=dict)
    users: list[tuple[str, str, str]] = field(default_factory=list)  # (role, e-mail, organisation)
    children: Any = None  # simpul.demo.children.DemoChildrenSummary, when children were seeded
    today: dt.date | None = None  # the day the demo was seeded for (``seed_demo --today``)


# --- vocabularies ---------------------------------------------------------------------------------

WORDS_A = [
    "Kasih",
    "Cahaya",
    "Pelita",
    "Tunas",
    "Mutiara",
    "Permata",
    "Bina",
    "Sinar",
    "Bintang",
    "Citra",
    "Insan",
    "Karya",
    "Mekar",
    "Surya",
    "Cinta",
    "Lentera",
    "Pondok",
    "Dharma",
    "Bakti",
    "Amanah",
    "Berkah",
    "Harapan",
    "Rumah",
    "Taman",
    "Damai",
]
WORDS_B = [
    "Bunda",
    "Harapan",
    "Bangsa",
    "Ceria",
    "Mulia",
    "Sejahtera",
    "Insani",
    "Nusantara",
    "Pertiwi",
    "Mandiri",
    "Kasih",
    "Utama",
    "Lestari",
    "Pelangi",
    "Sentosa",
    "Abadi",
    "Kita",
    "Cendekia",
    "Hati",
    "Persada",
    "Ananda",
    "Kencana",
    "Sehati",
]
MOBILE_PREFIXES = [
    "0811",
    "0812",
    "0813",
    "0821",
    "0822",
    "0852",
    "0853",
    "0856",
    "0857",
    "0877",
    "0878",
    "0817",
    "0818",
    "0819",
    "0859",
    "0895",
    "0896",
    "0897",
    "0881",
    "0882",
]
# Rough boxes (lat_min, lat_max, lon_min, lon_max) per kota, inside lat −6.37…−6.09, lon 106.68…106.97.
KOTA_BOXES: dict[str, tuple[float, float, float, float]] = {
    "31.71": (-6.21, -6.15, 106.80, 106.87),
    "31.72": (-6.15, -6.10, 106.72, 106.96),
    "31.73": (-6.21, -6.13, 106.69, 106.80),
    "31.74": (-6.36, -6.21, 106.76, 106.86),
    "31.75": (-6.36, -6.19, 106.86, 106.96),
    "31.01": (-5.76, -5.73, 106.60, 106.62),  # Kepulauan Seribu: the islands, not the mainland
}

# Weekly schedules: (opening-hours text, weekdays, opens, closes)
SCHEDULES: dict[str, tuple[str, list[str], dt.time, dt.time]] = {
    "24h": (
        "Setiap hari, 24 jam",
        ["MO", "TU", "WE", "TH", "FR", "SA", "SU"],
        dt.time(0, 0),
        dt.time(23, 59),
    ),
    "office": (
        "Senin–Jumat, 08.00–16.00",
        ["MO", "TU", "WE", "TH", "FR"],
        dt.time(8, 0),
        dt.time(16, 0),
    ),
    "daycare": (
        "Senin–Jumat, 07.00–17.00",
        ["MO", "TU", "WE", "TH", "FR"],
        dt.time(7, 0),
        dt.time(17, 0),
    ),
    "sixday": (
        "Senin–Sabtu, 08.00–15.00",
        ["MO", "TU", "WE", "TH", "FR", "SA"],
        dt.time(8, 0),
        dt.time(15, 0),
    ),
    "weekend": ("Sabtu–Minggu, 09.00–13.00", ["SA", "SU"], dt.time(9, 0), dt.time(13, 0)),
}


@dataclass(frozen=True)
class ServiceTemplate:
    name: str
    description: str
    eligibility: str
    schedule: str = "office"
    capacity: tuple[int, int] | None = None  # (min, max) places


TEMPLATES: dict[str, ServiceTemplate] = {
    "residential-care": ServiceTemplate(
        "Pengasuhan anak dalam lembaga",
        "Pengasuhan berbasis lembaga bagi anak yang tidak dapat diasuh keluarganya, termasuk "
        "pemenuhan kebutuhan dasar, pendidikan, dan kesehatan.",
        "Anak telantar atau anak yang kehilangan pengasuhan keluarga, dengan rujukan Dinas "
        "Sosial atau Suku Dinas Sosial. Pengasuhan keluarga tetap diupayakan lebih dahulu.",
        "24h",
        (20, 60),
    ),
    "atensi-2": ServiceTemplate(
        "Perawatan sosial dan pengasuhan anak (ATENSI)",
        "Perawatan sosial, pengasuhan, dan pendampingan sehari-hari sesuai rencana intervensi.",
        "Anak yang diasuh lembaga atau dirujuk melalui asesmen pekerja sosial.",
        "24h",
    ),
    "atensi-1": ServiceTemplate(
        "Pemenuhan kebutuhan dasar anak",
        "Makanan bergizi, pakaian, dan perlengkapan kebersihan bagi anak dan keluarganya.",
        "Anak dari keluarga miskin atau rentan yang terdaftar di wilayah DKI Jakarta.",
        "daycare",
    ),
    "atensi-3": ServiceTemplate(
        "Dukungan keluarga dan pengasuhan",
        "Konseling keluarga, penguatan pengasuhan, dan reunifikasi anak dengan keluarga.",
        "Keluarga atau pengasuh anak yang mengalami masalah kesejahteraan sosial.",
        "office",
    ),
    "atensi-4": ServiceTemplate(
        "Terapi fisik dan psikososial anak disabilitas",
        "Fisioterapi, terapi okupasi, terapi wicara, dan dukungan psikososial.",
        "Anak dengan disabilitas berusia 0–18 tahun beserta orang tua atau pengasuhnya.",
        "sixday",
    ),
    "atensi-5": ServiceTemplate(
        "Pelatihan keterampilan remaja",
        "Pelatihan vokasional (menjahit, tata boga, perbengkelan, komputer) dan kewirausahaan.",
        "Remaja berusia 15–18 tahun yang diasuh lembaga atau dirujuk pekerja sosial.",
        "office",
    ),
    "atensi-6": ServiceTemplate(
        "Bantuan sosial dan asistensi sosial",
        "Bantuan sosial bagi anak dan keluarga rentan, termasuk bantuan darurat.",
        "Anak dan keluarga yang terdaftar dalam data terpadu kesejahteraan sosial.",
        "office",
    ),
    "atensi-7": ServiceTemplate(
        "Dukungan aksesibilitas anak disabilitas",
        "Pendampingan akses layanan publik, pendidikan inklusif, dan transportasi.",
        "Anak dengan disabilitas dan keluarganya.",
        "sixday",
    ),
    "temporary-shelter": ServiceTemplate(
        "Penampungan sementara",
        "Tempat tinggal sementara, makan, mandi, dan istirahat bagi anak yang hidup di jalan, "
        "sambil menunggu asesmen dan reunifikasi keluarga.",
        "Anak jalanan dan anak yang berada di jalan, berusia 6–18 tahun, tanpa syarat dokumen.",
        "24h",
        (10, 30),
    ),
    "outreach": ServiceTemplate(
        "Penjangkauan anak di jalan",
        "Penjangkauan di titik rawan, pendekatan awal, dan rujukan ke layanan yang sesuai.",
        "Anak yang ditemui di jalan, taman, atau titik rawan; tidak perlu pendaftaran.",
        "sixday",
    ),
    "daycare": ServiceTemplate(
        "Taman Anak Sejahtera (penitipan anak)",
        "Pengasuhan harian, stimulasi tumbuh kembang, dan makanan bergizi bagi balita.",
        "Anak balita berusia 0–6 tahun dari keluarga prasejahtera di sekitar lokasi.",
        "daycare",
        (20, 50),
    ),
    "case-management": ServiceTemplate(
        "Manajemen kasus dan pendampingan",
        "Asesmen, rencana intervensi, rujukan, dan pemantauan kasus anak oleh pekerja sosial.",
        "Anak PMKS/PPKS yang dilaporkan atau dirujuk di wilayah kerja.",
        "office",
    ),
    "psychosocial": ServiceTemplate(
        "Konseling psikososial",
        "Konseling individu dan kelompok oleh psikolog atau pekerja sosial.",
        "Anak dan keluarga yang membutuhkan dukungan psikososial; dengan janji temu.",
        "office",
    ),
    "child-protection": ServiceTemplate(
        "Perlindungan anak korban kekerasan",
        "Penerimaan pengaduan, pendampingan hukum dan psikologis, serta rujukan rumah aman.",
        "Anak korban kekerasan atau yang membutuhkan perlindungan khusus; pengaduan lewat 112.",
        "24h",
    ),
    "health": ServiceTemplate(
        "Layanan kesehatan anak",
        "Pemeriksaan kesehatan, imunisasi, dan rujukan ke puskesmas atau rumah sakit.",
        "Anak yang dirujuk Dinas Sosial; jaminan kesehatan dibantu pengurusannya.",
        "office",
    ),
    "education": ServiceTemplate(
        "Pendidikan dan pendampingan belajar",
        "Bimbingan belajar, kelas paket, dan bantuan masuk kembali ke sekolah.",
        "Anak usia sekolah yang putus sekolah atau berisiko putus sekolah.",
        "office",
    ),
    "civil-registration": ServiceTemplate(
        "Dokumen kependudukan anak",
        "Penerbitan NIK, KK, akta kelahiran, dan KIA, termasuk bagi anak tanpa dokumen.",
        "Anak yang belum memiliki dokumen kependudukan, dengan pendampingan pekerja sosial.",
        "office",
    ),
    "information-technology": ServiceTemplate(
        "Dukungan data dan teknologi informasi",
        "Integrasi data dan dukungan sistem informasi layanan sosial.",
        "Perangkat daerah dan mitra layanan sosial di DKI Jakarta.",
        "office",
    ),
    "public-order": ServiceTemplate(
        "Penertiban dan pengamanan terpadu",
        "Dukungan pengamanan pada kegiatan penjangkauan bersama Dinas Sosial.",
        "Atas permintaan Dinas Sosial atau Suku Dinas Sosial.",
        "office",
    ),
    "legal-aid": ServiceTemplate(
        "Bantuan hukum",
        "Konsultasi hukum, pendampingan di kepolisian dan pengadilan, serta paralegal.",
        "Anak dan perempuan korban kekerasan; anak yang berhadapan dengan hukum.",
        "office",
    ),
    "assistive-devices": ServiceTemplate(
        "Alat bantu fisik (ABF)",
        "Penyediaan kursi roda, kruk, alat bantu dengar, dan alat bantu lain.",
        "Anak dengan disabilitas berdasarkan asesmen kebutuhan.",
        "office",
    ),
    "donation": ServiceTemplate(
        "Donasi dan program CSR",
        "Donasi barang dan dana untuk lembaga kesejahteraan sosial anak mitra.",
        "Lembaga mitra terdaftar di Dinas Sosial DKI Jakarta.",
        "office",
    ),
    "community-support": ServiceTemplate(
        "Dukungan komunitas",
        "Kegiatan anak, relawan pendamping, dan pelaporan dini masalah anak di lingkungan.",
        "Anak dan keluarga di lingkungan sekitar; terbuka untuk umum.",
        "weekend",
    ),
}

ALL_CATEGORIES = ["ABT", "AT", "ABH", "AJ", "ADK", "AKTK", "AMPK"]


# --- reading ---------------------------------------------------------------------------------------


def demo_is_seeded() -> bool:
    """Whether the demo is already there (one indexed query; the marker is Dinas Sosial)."""
    return Organization.objects.filter(org_type=OrganizationType.DINSOS, name=DINSOS_NAME).exists()


def demo_summary(*, created: bool = False) -> DemoSummary:
    counts = dict(
        Organization.objects.values_list("org_type").annotate(n=Count("id")).order_by("org_type")
    )
    users = [
        (m.role, m.user.email, m.organization.name)
        for m in Membership.objects.filter(user__is_demo=True)
        .select_related("user", "organization")
        .order_by("user__email")
    ]
    return DemoSummary(created=created, counts=counts, users=users)


def network_seed(*, clock: DemoClock, timeline: Timeline) -> DemoSummary:
    """Write the network and the demo users at the set-up moment, and put what happens to them
    later (monthly capacity figures, the invitation waiting for approval) on ``timeline``."""
    if not Region.objects.filter(code__startswith=DKI_JAKARTA + ".", level=4).exists():
        raise ApplicationError(
            _("The DKI Jakarta regions are not loaded yet. Run `manage.py load_regions` first.")
        )
    builder = _Builder(clock)
    with clock.travel(clock.setup):
        builder.build()
        builder.save()
        summary = demo_summary(created=True)
        audit_log(
            actor=None,
            action="demo.seeded",
            target=builder.dinsos,
            data={
                "organizations": summary.counts,
                "users": sorted(DEMO_USERS.values()),
                "today": clock.today.isoformat(),
            },
        )
    builder.schedule(timeline)
    return summary


def demo_seeded_for() -> dt.date | None:
    """The day the demo in the database was seeded for (``seed_demo --today``), if known."""
    from simpul.core.models import AuditEvent

    event = AuditEvent.objects.filter(action="demo.seeded").order_by("-created_at").first()
    today = (event.data or {}).get("today") if event is not None else None
    return dt.date.fromisoformat(today) if today else None


@dataclass
class _CapacityPlan:
    """When a service reports its places after the set-up, and how its figures end."""

    service: Service
    moments: list[dt.datetime]
    end_full: bool
    keep_free: bool


class _Builder:
    """Collects the demo objects in memory, then writes them with bulk_create."""

    def __init__(self, clock: DemoClock) -> None:
        self.clock = clock
        self.rng = random.Random(SEED)
        self.fake = Faker("id_ID")
        self.fake.seed_instance(SEED)
        self.today = clock.today  # accreditation dates are relative to the demo's day
        self.capacity_plans: list[_CapacityPlan] = []
        self.regions = {
            r.code: r for r in Region.objects.filter(code__startswith=DKI_JAKARTA).order_by("code")
        }
        self.kelurahan = [r for r in self.regions.values() if r.level == 4]
        self.mainland = [r for r in self.kelurahan if not r.code.startswith("31.01.")]
        self.terms = {(t.taxonomy, t.code): t for t in TaxonomyTerm.objects.all()}
        self.used_names: set[str] = set()
        self.orgs: list[Organization] = []
        self.phones: list[Phone] = []
        self.locations: list[Location] = []
        self.services: list[Service] = []
        self.service_locations: list[ServiceAtLocation] = []
        self.schedules: list[Schedule] = []
        self.capacity: list[CapacityRecord] = []
        self.categories: list[Any] = []
        self.users: list[User] = []
        self.memberships: list[Membership] = []
        self.devices: list[TOTPDevice] = []
        self.by_name: dict[str, Organization] = {}

    # --- helpers ---------------------------------------------------------------------------------

    def region(self, code: str) -> Region:
        return self.regions[code]

    def kelurahan_named(self, name: str, kota: str) -> Region:
        for r in self.kelurahan:
            if r.name == name and r.code.startswith(kota + "."):
                return r
        return self.rng.choice([r for r in self.kelurahan if r.code.startswith(kota + ".")])

    def unique_name(self, make: Any) -> str:
        for _attempt in range(200):
            name = make()
            if name not in self.used_names:
                self.used_names.add(name)
                return name
        raise RuntimeError("demo: ran out of unique names")

    def word_pair(self) -> str:
        while True:
            a, b = self.rng.choice(WORDS_A), self.rng.choice(WORDS_B)
            if a != b:
                return f"{a} {b}"

    def coordinates(self, kel: Region) -> tuple[Decimal, Decimal]:
        lat0, lat1, lon0, lon1 = KOTA_BOXES[kel.code[:5]]
        lat = Decimal(f"{self.rng.uniform(lat0, lat1):.6f}")
        lon = Decimal(f"{self.rng.uniform(lon0, lon1):.6f}")
        return lat, lon

    def phone_number(self, kind: str) -> Any:
        while True:
            if kind == "mobile":
                raw = self.rng.choice(MOBILE_PREFIXES) + "".join(
                    str(self.rng.randint(0, 9)) for _ in range(self.rng.choice([7, 8]))
                )
            else:
                raw = f"021-{self.rng.randint(2, 8)}" + "".join(
                    str(self.rng.randint(0, 9)) for _ in range(self.rng.choice([6, 7]))
                )
            info = parse_phone(raw)
            if info.valid and info.e164:
                return info

    def add_phone(self, org: Organization, kind: str, label: str) -> None:
        info = self.phone_number(kind)
        self.phones.append(
            Phone(
                organization=org,
                number=info.e164,
                national=info.national,
                kind=Phone.Kind.MOBILE if info.type == "mobile" else Phone.Kind.LANDLINE,
                label=label,
            )
        )

    def slug(self, name: str) -> str:
        return "-".join("".join(c for c in word if c.isalnum()) for word in name.lower().split())[
            :50
        ]

    def accreditation(self, org: Organization) -> None:
        roll = self.rng.random()
        if roll < 0.2:
            return  # not (yet) accredited
        grade = "A" if roll < 0.4 else ("B" if roll < 0.75 else "C")
        years = ACCREDITATION_VALIDITY_YEARS[grade]
        # Issued up to validity + ~half a year ago, so some have lapsed and some expire soon.
        issued = self.today - dt.timedelta(days=self.rng.randint(30, years * 365 + 180))
        day = 28 if (issued.month, issued.day) == (2, 29) else issued.day
        until = issued.replace(year=issued.year + years, day=day) - dt.timedelta(days=1)
        org.accreditation_grade = grade
        org.accreditation_valid_from = issued
        org.accreditation_valid_until = until
        org.accreditation_number = (
            f"{self.rng.randint(100, 999)}/BALKS/AKR-{grade}/{issued.month:02d}/{issued.year}"
        )

    def registration(self, legal_status: str) -> str:
        year = self.rng.randint(1998, 2021)
        code = "04" if legal_status == LegalStatus.YAYASAN else "07"
        return f"AHU-{self.rng.randint(1, 9999999):07d}.AH.01.{code}.Tahun {year}"

    # --- organisations ---------------------------------------------------------------------------

    def org(
        self,
        *,
        name: str,
        org_type: str,
        kel: Region,
        parent: Organization | None = None,
        jurisdiction: Region | None = None,
        legal_status: str = "",
        description: str = "",
        address: str | None = None,
        coords: tuple[Decimal, Decimal] | None = None,
        email_domain: str | None = None,
        accredit: bool = False,
    ) -> Organization:
        self.used_names.add(name)
        lat, lon = coords or self.coordinates(kel)
        domain = email_domain or f"{self.slug(name)}.example.org"
        org = Organization(
            name=name,
            org_type=org_type,
            parent=parent,
            jurisdiction=jurisdiction,
            description=description,
            legal_status=legal_status,
            address=address or self.fake.street_address(),
            kelurahan=kel,
            kota_code=kel.code[:5],
            kecamatan_code=kel.code[:8],
            postal_code=kel.postal_code,
            latitude=lat,
            longitude=lon,
            email=f"info@{domain}",
            website=f"https://{domain}/",
        )
        if legal_status in (LegalStatus.YAYASAN, LegalStatus.PERKUMPULAN):
            org.registration_number = self.registration(legal_status)
        if accredit:
            self.accreditation(org)
        self.orgs.append(org)
        self.by_name[name] = org
        self.add_phone(org, "landline", "Kantor")
        if (
            org_type not in (OrganizationType.SKPD, OrganizationType.DINSOS)
            and self.rng.random() < 0.6
        ):
            self.add_phone(org, "mobile", "WhatsApp pengurus")
        location = Location(
            organization=org,
            name=name,
            address=org.address,
            kelurahan=kel,
            postal_code=kel.postal_code,
            latitude=lat,
            longitude=lon,
        )
        self.locations.append(location)
        org._demo_location = location  # type: ignore[attr-defined]
        return org

    def service(
        self,
        org: Organization,
        code: str,
        categories: list[str],
        ages: tuple[int | None, int | None] = (0, 18),
        *,
        name: str | None = None,
        capacity: tuple[int, int] | None = None,
        schedule: str | None = None,
        free_places: bool | None = None,
    ) -> Service:
        tpl = TEMPLATES[code]
        hours_key = schedule or tpl.schedule
        hours_text, days, opens, closes = SCHEDULES[hours_key]
        svc = Service(
            organization=org,
            name=name or tpl.name,
            description=tpl.description,
            service_type=self.terms[("service-type", code)],
            min_age=ages[0],
            max_age=ages[1],
            eligibility=tpl.eligibility,
            is_free=True,
            opening_hours=hours_text,
            status=ServiceStatus.ACTIVE,
        )
        if code == "daycare" and self.rng.random() < 0.25:
            svc.is_free = False
            svc.fees_description = f"Iuran sukarela Rp{self.rng.choice([25, 50, 75])}.000 per bulan"
        bounds = capacity or tpl.capacity
        if bounds is not None:
            self.set_capacity(svc, bounds, free_places)
        elif self.rng.random() < 0.02:
            svc.status = ServiceStatus.TEMPORARILY_CLOSED
        self.services.append(svc)
        self.service_locations.append(
            ServiceAtLocation(service=svc, location=org._demo_location)  # type: ignore[attr-defined]
        )
        for day in days:
            self.schedules.append(
                Schedule(service=svc, weekday=day, opens_at=opens, closes_at=closes)
            )
        through = Service.categories_served.through
        for cat in categories:
            self.categories.append(
                through(service=svc, taxonomyterm=self.terms[("pmks-child", cat)])
            )
        return svc

    def set_capacity(self, svc: Service, bounds: tuple[int, int], free_places: bool | None) -> None:
        """The places when the registry started, then 2–5 monthly reports in the last months
        (through the directory service, on the timeline); about one service in five ends full."""
        total = self.rng.randint(*bounds)
        full = (self.rng.random() < 0.2) if free_places is None else not free_places
        occupied = self.rng.randint(total // 3, total - 1)
        svc.capacity_total, svc.capacity_occupied = total, occupied
        svc.capacity_updated_at = self.clock.setup
        self.capacity.append(
            CapacityRecord(
                service=svc,
                total=total,
                occupied=occupied,
                recorded_at=self.clock.setup,
                note="Data awal saat bergabung",
            )
        )
        points = self.rng.randint(2, 5)
        moments = [
            self.clock.office(
                self.clock.days_ago(30 * i + self.rng.uniform(1.5, 10)),
                self.rng,
                limit=self.clock.anchor,
            )
            for i in reversed(range(points))
        ]
        self.capacity_plans.append(
            _CapacityPlan(svc, moments, end_full=full, keep_free=free_places is True)
        )

    def pick_categories(self, pool: list[str], low: int, high: int) -> list[str]:
        chosen = self.rng.sample(pool, self.rng.randint(low, min(high, len(pool))))
        return sorted(chosen, key=ALL_CATEGORIES.index)

    # --- the network -----------------------------------------------------------------------------

    def build(self) -> None:
        self.build_government()
        self.build_ngos()
        self.build_others()
        self.build_users()

    def build_government(self) -> None:
        province = self.region(DKI_JAKARTA)
        self.dinsos = self.org(
            name=DINSOS_NAME,
            org_type=OrganizationType.DINSOS,
            kel=self.kelurahan_named("Gunung Sahari Selatan", "31.71"),
            jurisdiction=province,
            legal_status=LegalStatus.GOVERNMENT,
            description="Perangkat daerah Provinsi DKI Jakarta yang menyelenggarakan urusan "
            "sosial, termasuk rehabilitasi dan perlindungan sosial anak.",
            address="Jl. Gunung Sahari II No. 6",
            coords=(Decimal("-6.160000"), Decimal("106.838000")),
            email_domain="dinsos.example.org",
        )
        self.service(self.dinsos, "case-management", ALL_CATEGORIES)
        self.service(
            self.dinsos,
            "outreach",
            ["ABT", "AT", "AJ"],
            (0, 18),
            name="Penjangkauan P3S dan TRC 24 jam",
            schedule="24h",
        )
        self.service(self.dinsos, "atensi-6", ALL_CATEGORIES)

        self.sudinsos: dict[str, Organization] = {}
        for kota_region in [r for r in self.regions.values() if r.level == 2]:
            if kota_region.code == "31.01":
                kel = self.kelurahan_named("Pulau Panggang", "31.01")
            else:
                kel = self.rng.choice(
                    [r for r in self.kelurahan if r.code.startswith(kota_region.code + ".")]
                )
            sudin = self.org(
                name=f"Suku Dinas Sosial {kota_region.name}",
                org_type=OrganizationType.SUDINSOS,
                kel=kel,
                parent=self.dinsos,
                jurisdiction=kota_region,
                legal_status=LegalStatus.GOVERNMENT,
                description=f"Suku Dinas Sosial untuk wilayah {kota_region.name}.",
                email_domain=f"sudinsos-{kota_region.code.replace('.', '')}.example.org",
            )
            self.service(sudin, "case-management", ALL_CATEGORIES)
            self.service(sudin, "outreach", ["AT", "AJ", "ABT"], (0, 18), name="Penjangkauan P3S")
            self.sudinsos[kota_region.code] = sudin

        panti = [
            ("PSAA Balita Tunas Bangsa", "Cipayung", "31.75", ["ABT"], (0, 7), (110, 120), []),
            (
                "PSAA Putra Utama 1",
                "Klender",
                "31.75",
                ["AT", "AMPK"],
                (6, 18),
                (80, 100),
                ["atensi-3"],
            ),
            (
                "PSAA Putra Utama 2",
                "Rawa Badak Selatan",
                "31.72",
                ["AT", "AJ"],
                (6, 18),
                (60, 90),
                [],
            ),
            (
                "PSBR Taruna Jaya 1",
                "Tebet Timur",
                "31.74",
                ["AT", "ABH", "AJ"],
                (15, 21),
                (80, 120),
                ["atensi-5"],
            ),
            (
                "PSBD Budi Bhakti 1",
                "Kedoya Utara",
                "31.73",
                ["ADK"],
                (0, 18),
                (40, 70),
                ["atensi-4"],
            ),
        ]
        for name, kel_name, kota, cats, ages, cap, extra in panti:
            org = self.org(
                name=name,
                org_type=OrganizationType.PANTI,
                kel=self.kelurahan_named(kel_name, kota),
                parent=self.dinsos,
                legal_status=LegalStatus.GOVERNMENT,
                description="Unit Pelaksana Teknis (UPT) panti sosial Dinas Sosial Provinsi DKI Jakarta.",
            )
            self.service(org, "residential-care", cats, ages, capacity=cap)
            self.service(org, "atensi-2", cats, ages)
            for code in extra:
                self.service(org, code, cats, ages)

        skpd: list[tuple[str, list[tuple[str, list[str], tuple[int | None, int | None]]]]] = [
            ("dukcapil", [("civil-registration", ["ABT", "AT", "AJ", "AMPK"], (0, 17))]),
            ("dinkes", [("health", ALL_CATEGORIES, (0, 18))]),
            ("disdik", [("education", ["AT", "AJ", "ADK", "ABH"], (6, 18))]),
            (
                "ppapp",
                [
                    ("child-protection", ["AKTK", "AMPK"], (0, 18)),
                    ("psychosocial", ["AKTK"], (0, 18)),
                ],
            ),
            ("diskominfotik", [("information-technology", [], (None, None))]),
            ("satpolpp", [("public-order", ["AJ"], (None, None))]),
        ]
        self.skpd: dict[str, Organization] = {}
        for key, services in skpd:
            org = self.org(
                name=SKPD_NAMES[key],
                org_type=OrganizationType.SKPD,
                kel=self.rng.choice([r for r in self.kelurahan if r.code.startswith("31.71.")]),
                legal_status=LegalStatus.GOVERNMENT,
                description="Satuan kerja perangkat daerah (SKPD) Provinsi DKI Jakarta, mitra "
                "layanan anak Dinas Sosial.",
                email_domain=f"{key}.example.org",
            )
            for code, cats, age_range in services:
                self.service(org, code, cats, age_range)
            self.skpd[key] = org

    def build_ngos(self) -> None:
        jaktim = [r for r in self.mainland if r.code.startswith(DEMO_PARTNER_KOTA + ".")]
        makers: dict[str, Callable[[], str]] = {
            OrganizationType.LKSA: lambda: f"LKSA {self.word_pair()} {self.rng.randint(1, 40)}",
            OrganizationType.RUMAH_SINGGAH: lambda: f"Rumah Singgah {self.word_pair()}",
            OrganizationType.TAS: lambda: (
                f"Taman Anak Sejahtera {self.word_pair()} {self.rng.randint(1, 20)}"
            ),
            OrganizationType.YAYASAN: lambda: f"Yayasan {self.word_pair()}",
            OrganizationType.ORSOS: lambda: (
                f"{self.rng.choice(['Orsos', 'Perkumpulan'])} {self.word_pair()} Peduli Disabilitas"
            ),
        }
        self.used_names.add(DEMO_PARTNER_LKSA)
        for org_type, count in NGO_COUNTS.items():
            for i in range(count):
                partner = org_type == OrganizationType.LKSA and i == 0
                name = DEMO_PARTNER_LKSA if partner else self.unique_name(makers[org_type])
                # Every fourth LKSA is in Jakarta Timur, so the kota always has choices.
                in_jaktim = partner or (org_type == OrganizationType.LKSA and i % 4 == 1)
                kel = self.rng.choice(jaktim if in_jaktim else self.mainland)
                legal = (
                    LegalStatus.PERKUMPULAN
                    if org_type == OrganizationType.ORSOS or self.rng.random() < 0.15
                    else LegalStatus.YAYASAN
                )
                org = self.org(
                    name=name,
                    org_type=org_type,
                    kel=kel,
                    legal_status=legal,
                    accredit=True,
                    description=self.ngo_description(org_type),
                )
                if partner:
                    self.partner_lksa = org
                    org.accreditation_grade = "A"
                    org.accreditation_valid_from = self.today - dt.timedelta(days=400)
                    org.accreditation_valid_until = self.today + dt.timedelta(days=5 * 365 - 401)
                    org.accreditation_number = (
                        f"112/BALKS/AKR-A/{org.accreditation_valid_from:%m/%Y}"
                    )
                self.ngo_services(org, free_places=True if partner else None)

    def ngo_description(self, org_type: str) -> str:
        descriptions: dict[str, str] = {
            OrganizationType.LKSA: "Lembaga kesejahteraan sosial anak yang menyelenggarakan "
            "pengasuhan dan perlindungan anak.",
            OrganizationType.RUMAH_SINGGAH: "Rumah singgah bagi anak jalanan: tempat transit, "
            "penjangkauan, dan persiapan reunifikasi keluarga.",
            OrganizationType.TAS: "Taman Anak Sejahtera: pengasuhan harian balita dari keluarga "
            "prasejahtera.",
            OrganizationType.YAYASAN: "Yayasan sosial yang mendampingi anak dan keluarga rentan.",
            OrganizationType.ORSOS: "Organisasi sosial yang melayani anak dengan disabilitas dan "
            "keluarganya.",
        }
        return descriptions[org_type]

    def ngo_services(self, org: Organization, *, free_places: bool | None) -> None:
        rng = self.rng
        t = org.org_type
        if t == OrganizationType.LKSA:
            cats = (
                ["AT"]
                + (["ABT"] if rng.random() < 0.3 else [])
                + (["AMPK"] if rng.random() < 0.2 else [])
            )
            cats = sorted(cats, key=ALL_CATEGORIES.index)
            ages = (0 if "ABT" in cats else 6, 18)
            self.service(org, "residential-care", cats, ages, free_places=free_places)
            self.service(org, "atensi-2", cats, ages)
            if rng.random() < 0.5:
                self.service(org, rng.choice(["atensi-3", "education", "atensi-5"]), cats, ages)
        elif t == OrganizationType.RUMAH_SINGGAH:
            cats = ["AJ"] + (["AT"] if rng.random() < 0.5 else [])
            cats = sorted(cats, key=ALL_CATEGORIES.index)
            self.service(org, "temporary-shelter", cats, (6, 18))
            self.service(org, "outreach", ["AJ"], (6, 18))
            if rng.random() < 0.3:
                self.service(org, "education", cats, (6, 18))
        elif t == OrganizationType.TAS:
            self.service(org, "daycare", ["ABT"], (0, 6))
            if rng.random() < 0.4:
                self.service(org, "atensi-1", ["ABT"], (0, 6))
        elif t == OrganizationType.YAYASAN:
            for code in rng.sample(["atensi-3", "psychosocial", "education"], rng.randint(1, 3)):
                cats = self.pick_categories(["AT", "AJ", "ABH", "AKTK", "AMPK"], 1, 3)
                self.service(org, code, cats, (0 if rng.random() < 0.3 else 6, 18))
        elif t == OrganizationType.ORSOS:
            for code in rng.sample(
                ["atensi-7", "atensi-4", "assistive-devices"], rng.randint(1, 3)
            ):
                self.service(org, code, ["ADK"], (0, 18))

    def build_others(self) -> None:
        lbh = self.org(
            name=LBH_NAME,
            org_type=OrganizationType.LBH,
            kel=self.rng.choice([r for r in self.mainland if r.code.startswith("31.75.")]),
            legal_status=LegalStatus.PERKUMPULAN,
            description="Lembaga bantuan hukum bagi perempuan dan anak korban kekerasan.",
            email_domain="lbh-apik.example.org",
        )
        self.service(lbh, "legal-aid", ["ABH", "AKTK"], (0, 18))
        self.service(lbh, "psychosocial", ["AKTK"], (0, 18), name="Pendampingan psikologis korban")

        businesses = [
            (DEMO_BUSINESS, "donation"),
            ("PT Karya Mandiri Sejahtera", "assistive-devices"),
            ("CV Berkah Ceria Abadi", "donation"),
            ("PT Cahaya Pertiwi Lestari", "donation"),
        ]
        self.businesses: list[Organization] = []
        for name, code in businesses:
            org = self.org(
                name=name,
                org_type=OrganizationType.BUSINESS,
                kel=self.rng.choice(self.mainland),
                legal_status=LegalStatus.COMPANY,
                description="Perusahaan mitra program tanggung jawab sosial (CSR) untuk anak.",
            )
            cats = ["ADK"] if code == "assistive-devices" else ["ABT", "AT", "AJ"]
            self.service(org, code, cats, (0, 18))
            if code == "donation" and self.rng.random() < 0.5:
                self.service(org, "assistive-devices", ["ADK"], (0, 18))
            self.businesses.append(org)

        for _i in range(3):
            kel = self.rng.choice(self.mainland)
            org = self.org(
                name=self.unique_name(lambda kel=kel: f"Komunitas Sahabat Anak {kel.name}"),
                org_type=OrganizationType.COMMUNITY,
                kel=kel,
                legal_status=LegalStatus.UNINCORPORATED,
                description="Komunitas relawan yang mendampingi anak di lingkungan sekitar.",
            )
            self.service(org, "community-support", ["AT", "AJ"], (6, 18))
            self.service(org, "outreach", ["AJ"], (6, 18), name="Penjangkauan oleh relawan")
        for kel in self.rng.sample(self.mainland, 3):
            org = self.org(
                name=f"Karang Taruna Kelurahan {kel.name}",
                org_type=OrganizationType.KARANG_TARUNA,
                kel=kel,
                legal_status=LegalStatus.UNINCORPORATED,
                description="Organisasi kepemudaan tingkat kelurahan; mitra pelaporan dan "
                "kegiatan anak.",
            )
            self.service(org, "community-support", ["AT", "AJ", "ABT"], (6, 18))

    def build_users(self) -> None:
        province = self.region(DKI_JAKARTA)
        placement: dict[str, tuple[Organization, Region | None, str]] = {
            Role.SYSTEM_ADMIN: (self.dinsos, None, "Administrator sistem"),
            Role.SUPERVISOR: (self.dinsos, province, "Kepala Seksi Rehabilitasi Sosial Anak"),
            Role.CASE_WORKER: (
                self.sudinsos[DEMO_PARTNER_KOTA],
                self.region(DEMO_PARTNER_KOTA),
                "Pekerja sosial",
            ),
            Role.DATA_OPERATOR: (self.dinsos, None, "Operator data"),
            Role.ANALYST: (self.dinsos, None, "Analis data"),
            Role.ORG_ADMIN: (self.partner_lksa, None, "Ketua pengurus"),
            Role.ORG_STAFF: (self.partner_lksa, None, "Pengasuh"),
            Role.SKPD_LIAISON: (self.skpd["ppapp"], None, "Petugas penghubung"),
            Role.DONOR: (self.businesses[0], None, "Koordinator CSR"),
        }
        password = make_password(DEMO_PASSWORD)  # hashed once: nine hashes would take seconds
        key = base64.b32decode(DEMO_TOTP_SECRET).hex()
        for role in Role:
            org, scope, title = placement[role]
            user = User(
                email=DEMO_USERS[role.value],
                full_name=f"{self.fake.first_name()} {self.fake.last_name()}",
                password=password,
                is_demo=True,
            )
            self.users.append(user)
            self.memberships.append(
                Membership(
                    user=user, organization=org, role=role.value, region_scope=scope, title=title
                )
            )
            if role.value in DEMO_TWO_FACTOR_ROLES:
                self.devices.append(TOTPDevice(user=user, name="Demo", key=key, confirmed=True))

    # --- later: on the timeline ------------------------------------------------------------------

    def schedule(self, timeline: Timeline) -> None:
        for plan in self.capacity_plans:
            for i, moment in enumerate(plan.moments):
                last = i == len(plan.moments) - 1
                timeline.at(moment, partial(self.capacity_report, plan, last=last))
        # Two working days before the demo's day, mid-morning.
        day = self.clock.today - dt.timedelta(days=1)
        for _i in range(2):
            day -= dt.timedelta(days=1)
            while not is_working_day(day):
                day -= dt.timedelta(days=1)
        timeline.at(self.clock.at(day, dt.time(10, 17)), self.invite_supervisor)

    def capacity_report(self, plan: _CapacityPlan, *, last: bool) -> None:
        """The organisation reports its places: children came and left since the last report;
        now and then a room opens or closes."""
        service = Service.objects.get(pk=plan.service.pk)
        total, occupied = service.capacity_total or 0, service.capacity_occupied or 0
        if self.rng.random() < 0.1:
            total = max(occupied, total + self.rng.choice([-3, -2, 2, 4]))
        occupied = max(0, min(total, occupied + self.rng.randint(-4, 4)))
        if last and plan.end_full:
            occupied = total
        if plan.keep_free:
            occupied = min(occupied, max(0, total - 6))
        service_capacity_update(
            actor=self.capacity_reporter(service),
            service=service,
            total=total,
            occupied=occupied,
            note=self.rng.choice(["", "Pembaruan bulanan", "Pembaruan bulanan", "Setelah rapat"]),
        )

    def capacity_reporter(self, service: Service) -> User | None:
        """The demo LKSA's own staff report its places; elsewhere the reporter has no demo
        account, so the record shows the system."""
        if service.organization_id == self.partner_lksa.pk:
            return User.objects.get(email=DEMO_USERS[Role.ORG_STAFF.value])
        return None

    def invite_supervisor(self) -> None:
        """Separation of duties in the demo: the system admin invited a new supervisor (Jakarta
        Timur); the invitation waits for a second person (the demo supervisor) to approve it
        on /accounts/approvals/. No e-mail goes out before that approval."""
        from simpul.accounts.services import invitation_create

        invitation_create(
            actor=User.objects.get(email=DEMO_USERS[Role.SYSTEM_ADMIN.value]),
            organization=self.dinsos,
            email=DEMO_PENDING_SUPERVISOR_EMAIL,
            role=Role.SUPERVISOR.value,
            region_scope=self.region(DEMO_PARTNER_KOTA),
        )

    # --- writing ---------------------------------------------------------------------------------

    def save(self) -> None:
        # Parents first, so every foreign key points at a row that exists.
        self.orgs.sort(key=lambda o: 0 if o.org_type == OrganizationType.DINSOS else 1)
        Organization.objects.bulk_create(self.orgs)
        Phone.objects.bulk_create(self.phones)
        Location.objects.bulk_create(self.locations)
        Service.objects.bulk_create(self.services)
        ServiceAtLocation.objects.bulk_create(self.service_locations)
        Schedule.objects.bulk_create(self.schedules)
        Service.categories_served.through.objects.bulk_create(self.categories)
        CapacityRecord.objects.bulk_create(self.capacity)
        User.objects.bulk_create(self.users)
        Membership.objects.bulk_create(self.memberships)
        TOTPDevice.objects.bulk_create(self.devices)
