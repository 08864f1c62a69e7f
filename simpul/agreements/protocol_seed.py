"""The collaboration protocols from the research behind Simpul (issue 9): for each PMKS child
category, who takes part and for what. Used by ``manage.py seed_protocols`` (also in production)
and the demo. Texts are in Bahasa Indonesia: they are the department's ground rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from simpul.agreements import services
from simpul.agreements.models import CollaborationProtocol, EscalationTarget
from simpul.directory.models import OrganizationType, TaxonomyTerm


@dataclass(frozen=True)
class SeedParticipant:
    role: str
    services: tuple[str, ...]  # service-type codes
    org_type: str = ""
    office: str = ""


@dataclass(frozen=True)
class SeedProtocol:
    category: str
    title: str
    purpose: str
    participants: tuple[SeedParticipant, ...]
    documents: tuple[str, ...]
    closing_outcome: str
    deadlines: dict[str, dict[str, int]] = field(default_factory=dict)


_NEGLECT_PARTICIPANTS = (
    SeedParticipant(
        "Pengasuhan alternatif sementara dan rehabilitasi sosial dasar dalam lembaga, setelah "
        "asesmen menunjukkan pengasuhan berbasis keluarga tidak memungkinkan.",
        ("residential-care", "atensi"),
        org_type=OrganizationType.LKSA,
    ),
    SeedParticipant(
        "Tempat singgah sementara, penjangkauan dan pendampingan untuk reunifikasi keluarga.",
        ("temporary-shelter", "outreach"),
        org_type=OrganizationType.RUMAH_SINGGAH,
    ),
    SeedParticipant(
        "Pengasuhan harian dan stimulasi tumbuh kembang anak balita.",
        ("daycare",),
        org_type=OrganizationType.TAS,
    ),
    SeedParticipant(
        "Penerbitan akta kelahiran, KIA dan pencantuman dalam Kartu Keluarga.",
        ("civil-registration",),
        office="dukcapil",
    ),
    SeedParticipant(
        "Pemeriksaan kesehatan, status gizi, imunisasi dan kepesertaan jaminan kesehatan.",
        ("health",),
        office="dinkes",
    ),
)
_NEGLECT_DOCUMENTS = (
    "Formulir rujukan dari Simpul",
    "Ringkasan asesmen awal",
    "Fotokopi Kartu Keluarga atau surat keterangan domisili (bila ada)",
    "Bukti persetujuan berbagi data atau dasar hukumnya",
)

PROTOCOLS: tuple[SeedProtocol, ...] = (
    SeedProtocol(
        "AJ",
        "Protokol kolaborasi: Anak Jalanan",
        "Menjangkau anak jalanan, memenuhi kebutuhan dasar dan identitasnya, dan "
        "mengembalikannya ke keluarga atau pengasuhan yang layak.",
        _NEGLECT_PARTICIPANTS,
        _NEGLECT_DOCUMENTS,
        "Anak kembali ke keluarga atau berada dalam pengasuhan yang layak, memiliki akta "
        "kelahiran, dan hasil pemeriksaan kesehatan tercatat.",
    ),
    SeedProtocol(
        "AT",
        "Protokol kolaborasi: Anak Telantar",
        "Memastikan anak telantar mendapat pengasuhan, identitas, layanan kesehatan dan "
        "rehabilitasi sosial dasar.",
        _NEGLECT_PARTICIPANTS,
        _NEGLECT_DOCUMENTS,
        "Anak berada dalam pengasuhan keluarga atau pengasuhan alternatif yang diputuskan, "
        "identitasnya terbit, dan layanan kesehatannya tercatat.",
    ),
    SeedProtocol(
        "ABT",
        "Protokol kolaborasi: Anak Balita Telantar",
        "Melindungi anak balita telantar: pengasuhan, gizi dan kesehatan, serta identitas.",
        _NEGLECT_PARTICIPANTS,
        _NEGLECT_DOCUMENTS,
        "Anak balita berada dalam pengasuhan yang layak, status gizinya diperiksa dan "
        "ditindaklanjuti, dan akta kelahirannya terbit.",
        deadlines={
            "immediate": {"acknowledge": 1, "decide": 1, "start": 1, "finish": 10},
            "high": {"acknowledge": 1, "decide": 2, "start": 3, "finish": 15},
        },
    ),
    SeedProtocol(
        "ADK",
        "Protokol kolaborasi: Anak Dengan Kedisabilitasan",
        "Memberikan rehabilitasi sosial, alat bantu, layanan kesehatan dan akses informasi "
        "bagi anak dengan kedisabilitasan.",
        (
            SeedParticipant(
                "Rehabilitasi sosial berbasis keluarga dan komunitas, terapi dan pendampingan.",
                ("atensi", "psychosocial"),
                org_type=OrganizationType.YAYASAN,
            ),
            SeedParticipant(
                "Pendampingan keluarga, dukungan komunitas dan penyaluran alat bantu.",
                ("assistive-devices", "community-support"),
                org_type=OrganizationType.ORSOS,
            ),
            SeedParticipant(
                "Asesmen medis kedisabilitasan, terapi dan rujukan ke fasilitas kesehatan.",
                ("health",),
                office="dinkes",
            ),
            SeedParticipant(
                "Akses informasi dan teknologi yang mudah diakses, serta data terpadu.",
                ("information-technology",),
                office="diskominfotik",
            ),
        ),
        (
            "Formulir rujukan dari Simpul",
            "Ringkasan asesmen awal dan jenis kedisabilitasan",
            "Surat keterangan dokter atau hasil pemeriksaan (bila ada)",
            "Bukti persetujuan berbagi data atau dasar hukumnya",
        ),
        "Rencana rehabilitasi disepakati dan layanan pertama (terapi, alat bantu atau "
        "pemeriksaan) sudah diberikan dan tercatat.",
    ),
    SeedProtocol(
        "AKTK",
        "Protokol kolaborasi: Anak Korban Tindak Kekerasan",
        "Melindungi anak korban kekerasan atau perlakuan salah: keselamatan, pemulihan "
        "kesehatan dan psikososial, pendidikan, dan pendampingan hukum.",
        (
            SeedParticipant(
                "Perlindungan khusus dan pendampingan korban melalui UPT PPPA, rumah aman.",
                ("child-protection", "psychosocial"),
                office="ppapp",
            ),
            SeedParticipant(
                "Menjamin anak tetap bersekolah atau mendapat tempat sekolah baru.",
                ("education",),
                office="disdik",
            ),
            SeedParticipant(
                "Pemeriksaan dan visum, perawatan luka dan pemulihan kesehatan jiwa.",
                ("health",),
                office="dinkes",
            ),
            SeedParticipant(
                "Pengaduan melalui kanal pemerintah daerah dan penurunan konten yang memuat "
                "identitas anak.",
                ("information-technology",),
                office="diskominfotik",
            ),
            SeedParticipant(
                "Pengamanan di lapangan dan pendampingan saat penjangkauan.",
                ("public-order",),
                office="satpolpp",
            ),
            SeedParticipant(
                "Bantuan hukum dan pendampingan selama proses peradilan.",
                ("legal-aid",),
                office="lbh_apik",
            ),
        ),
        (
            "Formulir rujukan dari Simpul",
            "Ringkasan asesmen awal dan penilaian risiko",
            "Laporan polisi atau hasil visum (bila ada)",
            "Bukti persetujuan berbagi data atau dasar hukumnya",
        ),
        "Anak aman, pemeriksaan kesehatan dan pendampingan psikososial sudah diberikan, dan "
        "pendampingan hukum berjalan atau tidak diperlukan (dicatat alasannya).",
        deadlines={
            "immediate": {"acknowledge": 1, "decide": 1, "start": 1, "finish": 10},
            "high": {"acknowledge": 1, "decide": 1, "start": 2, "finish": 15},
        },
    ),
)

ESCALATION = [
    {"after_working_days": 0, "notify": EscalationTarget.RECEIVING_ORG.value},
    {"after_working_days": 1, "notify": EscalationTarget.RECEIVING_ORG_ADMIN.value},
    {"after_working_days": 2, "notify": EscalationTarget.DINSOS_SUPERVISOR.value},
    {"after_working_days": 5, "notify": EscalationTarget.HEAD_OF_DEPARTMENT.value},
]


def seed_protocols(*, valid_from: dt.date) -> dict[str, Any]:
    """Create the protocols of the research for the categories that have none, each with an
    approved version 1 in force from ``valid_from``. Categories with a protocol are left as they
    are (run twice = done once). Returns {"created": [codes], "skipped": [codes]}."""
    from simpul.children.models import Category

    terms = {
        t.code: t for t in TaxonomyTerm.objects.filter(taxonomy=TaxonomyTerm.Taxonomy.SERVICE_TYPE)
    }
    created, skipped = [], []
    for seed in PROTOCOLS:
        category = Category.objects.filter(scheme="pmks", code=seed.category).first()
        if category is None or CollaborationProtocol.objects.filter(category=category).exists():
            skipped.append(seed.category)
            continue
        with transaction.atomic():
            protocol = services.protocol_create(actor=None, category=category, title=seed.title)
            version = protocol.versions.get()
            table = services.default_deadline_table()
            for urgency, days in seed.deadlines.items():
                table[urgency].update(days)
            services.version_update(
                actor=None,
                version=version,
                data={
                    "purpose": seed.purpose,
                    "deadline_table": table,
                    "escalation": ESCALATION,
                    "documents": list(seed.documents),
                    "closing_outcome": seed.closing_outcome,
                },
            )
            for order, p in enumerate(seed.participants):
                services.participant_save(
                    actor=None,
                    version=version,
                    org_type=p.org_type,
                    office=p.office,
                    role=p.role,
                    sort_order=order,
                    service_types=[terms[c] for c in p.services if c in terms],
                )
            services.version_approve(actor=None, version=version, valid_from=valid_from)
        created.append(seed.category)
    return {"created": created, "skipped": skipped}
