"""Simpul's controlled vocabularies: service types (with the ATENSI components) and the seven
PMKS/PPKS child categories of Permensos 08/2012. Loaded by a data migration; codes are stable."""

from __future__ import annotations

from typing import Any

SERVICE_TYPES: list[dict[str, Any]] = [
    {
        "code": "atensi",
        "name": "ATENSI (Asistensi Rehabilitasi Sosial)",
        "name_en": "ATENSI (social rehabilitation assistance)",
    },
    {
        "code": "atensi-1",
        "parent": "atensi",
        "name": "Pemenuhan kebutuhan hidup layak",
        "name_en": "Support to meet decent-living needs",
    },
    {
        "code": "atensi-2",
        "parent": "atensi",
        "name": "Perawatan sosial dan/atau pengasuhan anak",
        "name_en": "Social care and/or child care",
    },
    {
        "code": "atensi-3",
        "parent": "atensi",
        "name": "Dukungan keluarga",
        "name_en": "Family support",
    },
    {
        "code": "atensi-4",
        "parent": "atensi",
        "name": "Terapi (fisik, psikososial, mental spiritual)",
        "name_en": "Therapy (physical, psychosocial, mental-spiritual)",
    },
    {
        "code": "atensi-5",
        "parent": "atensi",
        "name": "Pelatihan vokasional dan/atau pembinaan kewirausahaan",
        "name_en": "Vocational training and/or entrepreneurship",
    },
    {
        "code": "atensi-6",
        "parent": "atensi",
        "name": "Bantuan sosial dan asistensi sosial",
        "name_en": "Social assistance",
    },
    {
        "code": "atensi-7",
        "parent": "atensi",
        "name": "Dukungan aksesibilitas",
        "name_en": "Accessibility support",
    },
    {
        "code": "residential-care",
        "name": "Pengasuhan dalam lembaga (LKSA/panti)",
        "name_en": "Residential care (LKSA/panti)",
    },
    {
        "code": "temporary-shelter",
        "name": "Penampungan sementara (rumah singgah)",
        "name_en": "Temporary shelter (drop-in centre)",
    },
    {
        "code": "daycare",
        "name": "Taman Anak Sejahtera / penitipan anak",
        "name_en": "Day care (Taman Anak Sejahtera)",
    },
    {"code": "outreach", "name": "Penjangkauan", "name_en": "Outreach"},
    {
        "code": "case-management",
        "name": "Manajemen kasus / pendampingan",
        "name_en": "Case management / accompaniment",
    },
    {
        "code": "psychosocial",
        "name": "Konseling psikososial",
        "name_en": "Psychosocial counselling",
    },
    {
        "code": "child-protection",
        "name": "Perlindungan anak / rumah aman",
        "name_en": "Child protection / safe house",
    },
    {"code": "health", "name": "Layanan kesehatan", "name_en": "Health services"},
    {"code": "education", "name": "Pendidikan dan sekolah", "name_en": "Education and schooling"},
    {
        "code": "civil-registration",
        "name": "Dokumen kependudukan (NIK, KK, akta, KIA)",
        "name_en": "Civil registration documents",
    },
    {"code": "legal-aid", "name": "Bantuan hukum", "name_en": "Legal aid"},
    {
        "code": "assistive-devices",
        "name": "Alat bantu fisik (ABF)",
        "name_en": "Assistive devices (ABF)",
    },
    {
        "code": "public-order",
        "name": "Penertiban dan pengamanan",
        "name_en": "Public order support",
    },
    {
        "code": "information-technology",
        "name": "Data dan teknologi informasi",
        "name_en": "Data and information technology",
    },
    {"code": "donation", "name": "Donasi / CSR", "name_en": "Donations / CSR"},
    {"code": "community-support", "name": "Dukungan komunitas", "name_en": "Community support"},
]

PMKS_CHILD: list[dict[str, Any]] = [
    {"code": "ABT", "name": "Anak Balita Telantar", "name_en": "Neglected toddler (0–5)"},
    {"code": "AT", "name": "Anak Telantar", "name_en": "Neglected child (6–17)"},
    {
        "code": "ABH",
        "name": "Anak yang Berhadapan dengan Hukum",
        "name_en": "Child in contact with the law",
    },
    {"code": "AJ", "name": "Anak Jalanan", "name_en": "Street child"},
    {"code": "ADK", "name": "Anak Dengan Kedisabilitasan", "name_en": "Child with disability"},
    {
        "code": "AKTK",
        "name": "Anak Korban Tindak Kekerasan atau Diperlakukan Salah",
        "name_en": "Child victim of violence or mistreatment",
    },
    {
        "code": "AMPK",
        "name": "Anak yang Memerlukan Perlindungan Khusus",
        "name_en": "Child in need of special protection",
    },
]


def sync_taxonomies(term_model: Any) -> None:
    """Create or update every term (idempotent; usable from a migration with a historical model)."""
    for taxonomy, terms in (("service-type", SERVICE_TYPES), ("pmks-child", PMKS_CHILD)):
        by_code: dict[str, Any] = {}
        for order, term in enumerate(terms):
            parent = by_code.get(term.get("parent", ""))
            obj, _ = term_model.objects.update_or_create(
                taxonomy=taxonomy,
                code=term["code"],
                defaults={
                    "name": term["name"],
                    "name_en": term["name_en"],
                    "parent": parent,
                    "sort_order": order,
                },
            )
            by_code[term["code"]] = obj
