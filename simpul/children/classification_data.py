"""Reference data for classification: conditions (criteria), the seven PMKS/PPKS child categories
(Permensos 08/2012), the 15 special-protection categories of UU 35/2014 Pasal 59(2), Jakarta field
labels, and the mappings between them. Ages are completed years, inclusive.

This is DATA: a data migration loads it into Category/CategorySubtype/Condition, and a policy
change (e.g. Dinsos confirming an age rule) is an edit here plus a migration — or an edit in the
admin tables — never a change to the rules engine. Sources: shared/domain/REFERENCE.md §3.
"""

from __future__ import annotations

from typing import Any

# code, Bahasa Indonesia, English
CONDITIONS: list[tuple[str, str, str]] = [
    ("neglected_no_care", "Telantar, tidak terurus", "Neglected, without proper care"),
    ("poor_family", "Dari keluarga sangat miskin / miskin", "From a very poor or poor family"),
    (
        "lost_parental_care",
        "Kehilangan hak asuh orang tua/keluarga",
        "Lost parental or family care",
    ),
    (
        "mistreated_abandoned",
        "Mengalami perlakuan salah dan ditelantarkan",
        "Mistreated and abandoned",
    ),
    (
        "exploited_begging",
        "Dieksploitasi secara ekonomi, mis. untuk mengemis",
        "Economically exploited, e.g. made to beg",
    ),
    ("malnourished", "Menderita gizi buruk atau kurang", "Poor or under-nutrition"),
    ("basic_needs_unmet", "Kebutuhan dasar tidak terpenuhi", "Basic needs not met"),
    ("suspected_offence", "Diduga melakukan tindak pidana", "Suspected of an offence"),
    ("charged_offence", "Didakwa melakukan tindak pidana", "Charged with an offence"),
    ("sentenced", "Telah dijatuhi pidana", "Sentenced"),
    ("crime_victim", "Korban tindak pidana", "Victim of a crime"),
    ("crime_witness", "Saksi tindak pidana", "Witness of a crime"),
    (
        "street_most_of_day",
        "Menghabiskan sebagian besar waktu di jalanan/tempat umum",
        "Spends most of the day on the street or in public places",
    ),
    (
        "earning_on_street",
        "Mencari nafkah dan/atau berkeliaran di jalanan",
        "Earns a living or wanders on the street",
    ),
    ("lives_on_street", "Tinggal di jalanan", "Lives on the street"),
    ("disability_physical", "Disabilitas fisik", "Physical disability"),
    ("disability_mental", "Disabilitas mental/intelektual", "Mental or intellectual disability"),
    ("disability_multiple", "Disabilitas ganda (fisik dan mental)", "Multiple disability"),
    (
        "daily_living_dependence",
        "Tidak mampu mengurus diri sendiri sehari-hari",
        "Unable to manage daily living",
    ),
    ("violence_physical", "Korban kekerasan fisik", "Victim of physical violence"),
    ("violence_psychological", "Korban kekerasan psikis", "Victim of psychological violence"),
    ("sexual_abuse", "Korban kekerasan/kejahatan seksual", "Victim of sexual violence or abuse"),
    ("forced_labour", "Dipaksa bekerja di luar kehendaknya", "Forced to work against their will"),
    (
        "emergency_situation",
        "Dalam situasi darurat (bencana, kerusuhan, pengungsian)",
        "In an emergency (disaster, riot, displacement)",
    ),
    (
        "minority_isolated",
        "Dari kelompok minoritas dan terisolasi",
        "From a minority or isolated group",
    ),
    ("economic_exploitation", "Dieksploitasi secara ekonomi", "Economically exploited"),
    ("sexual_exploitation", "Dieksploitasi secara seksual", "Sexually exploited"),
    (
        "trafficking",
        "Korban penculikan, penjualan dan/atau perdagangan",
        "Victim of abduction, sale or trafficking",
    ),
    ("substance_abuse", "Korban penyalahgunaan NAPZA/alkohol", "Victim of drug or alcohol abuse"),
    ("hiv", "Dengan HIV/AIDS", "Living with HIV/AIDS"),
    ("pornography", "Korban pornografi", "Victim of pornography"),
    ("terrorism_network", "Korban jaringan terorisme", "Victim of a terrorism network"),
    ("deviant_behaviour", "Dengan perilaku sosial menyimpang", "With deviant social behaviour"),
    (
        "stigmatised",
        "Korban stigmatisasi terkait kondisi orang tua",
        "Stigmatised because of a parent's condition",
    ),
]

PMKS: list[dict[str, Any]] = [
    {
        "code": "ABT",
        "name": "Anak Balita Telantar",
        "name_en": "Neglected toddler",
        "min_age": 0,
        "max_age": 5,
        "age_rule_note": "5 tahun ke bawah",
        "conditions": [
            "neglected_no_care",
            "poor_family",
            "lost_parental_care",
            "mistreated_abandoned",
            "exploited_begging",
            "malnourished",
        ],
        "maps_to": ["13", "4"],
    },
    {
        "code": "AT",
        "name": "Anak Telantar",
        "name_en": "Neglected child",
        "min_age": 6,
        "max_age": 17,
        "age_rule_note": "6 sampai di bawah 18 tahun",
        "conditions": [
            "poor_family",
            "neglected_no_care",
            "basic_needs_unmet",
            "lost_parental_care",
            "mistreated_abandoned",
        ],
        "maps_to": ["13", "4"],
    },
    {
        "code": "ABH",
        "name": "Anak yang Berhadapan dengan Hukum",
        "name_en": "Child in contact with the law",
        "min_age": 0,
        "max_age": 17,
        "age_rule_note": "Konflik: 12 sampai di bawah 18; korban/saksi: di bawah 18",
        "restricted": True,
        "conditions": [
            "suspected_offence",
            "charged_offence",
            "sentenced",
            "crime_victim",
            "crime_witness",
        ],
        "subtypes": [
            ("konflik", "Anak berkonflik dengan hukum", "Child in conflict with the law", 12, 17),
            ("korban", "Anak korban tindak pidana", "Child victim of a crime", None, 17),
            ("saksi", "Anak saksi tindak pidana", "Child witness of a crime", None, 17),
        ],
        "maps_to": ["2", "9", "10"],
    },
    {
        "code": "AJ",
        "name": "Anak Jalanan",
        "name_en": "Street child",
        "min_age": 0,
        "max_age": 17,
        "age_rule_note": "Di bawah 18 tahun",
        "conditions": ["street_most_of_day", "earning_on_street", "lives_on_street"],
        "subtypes": [
            (
                "on_street",
                "Anak yang bekerja di jalanan (masih berhubungan dengan keluarga)",
                "Child working on the street",
                None,
                None,
            ),
            ("of_street", "Anak yang hidup di jalanan", "Child living on the street", None, None),
            (
                "family_of_street",
                "Anak dari keluarga jalanan",
                "Child of a street family",
                None,
                None,
            ),
        ],
        "maps_to": ["4", "13", "14"],
    },
    {
        "code": "ADK",
        "name": "Anak Dengan Kedisabilitasan",
        "name_en": "Child with disability",
        "min_age": 0,
        "max_age": 17,
        "age_rule_note": "Di bawah 18 tahun",
        "conditions": [
            "disability_physical",
            "disability_mental",
            "disability_multiple",
            "daily_living_dependence",
        ],
        "maps_to": ["12"],
    },
    {
        "code": "AKTK",
        "name": "Anak Korban Tindak Kekerasan atau Diperlakukan Salah",
        "name_en": "Child victim of violence or mistreatment",
        "min_age": 0,
        "max_age": 17,
        "age_rule_note": "Di bawah 18 tahun",
        "restricted": True,
        "conditions": [
            "violence_physical",
            "violence_psychological",
            "sexual_abuse",
            "forced_labour",
            "mistreated_abandoned",
        ],
        "maps_to": ["9", "10", "13", "4"],
    },
    {
        "code": "AMPK",
        "name": "Anak yang Memerlukan Perlindungan Khusus",
        "name_en": "Child in need of special protection",
        "min_age": 6,
        "max_age": 17,
        "age_rule_note": "6 sampai di bawah 18 tahun (Permensos 08/2012)",
        "conditions": [
            "emergency_situation",
            "minority_isolated",
            "economic_exploitation",
            "sexual_exploitation",
            "trafficking",
            "substance_abuse",
            "hiv",
            "violence_physical",
            "violence_psychological",
        ],
        "maps_to": ["1", "3", "4", "5", "7", "8"],
    },
]

# UU 35/2014 Pasal 59(2): code = its number in the list.
AMPK: list[dict[str, Any]] = [
    {
        "code": "1",
        "name": "Anak dalam situasi darurat",
        "name_en": "Children in emergencies",
        "conditions": ["emergency_situation"],
    },
    {
        "code": "2",
        "name": "Anak yang berhadapan dengan hukum",
        "name_en": "Children in contact with the law",
        "restricted": True,
        "conditions": [
            "suspected_offence",
            "charged_offence",
            "sentenced",
            "crime_victim",
            "crime_witness",
        ],
    },
    {
        "code": "3",
        "name": "Anak dari kelompok minoritas dan terisolasi",
        "name_en": "Children of minority and isolated groups",
        "conditions": ["minority_isolated"],
    },
    {
        "code": "4",
        "name": "Anak yang dieksploitasi secara ekonomi dan/atau seksual",
        "name_en": "Economically and/or sexually exploited children",
        "conditions": [
            "economic_exploitation",
            "sexual_exploitation",
            "exploited_begging",
            "forced_labour",
            "earning_on_street",
        ],
    },
    {
        "code": "5",
        "name": "Anak korban penyalahgunaan narkotika, alkohol, psikotropika, dan zat adiktif lainnya",
        "name_en": "Child victims of drug and alcohol abuse",
        "conditions": ["substance_abuse"],
    },
    {
        "code": "6",
        "name": "Anak korban pornografi",
        "name_en": "Child victims of pornography",
        "restricted": True,
        "conditions": ["pornography"],
    },
    {
        "code": "7",
        "name": "Anak dengan HIV/AIDS",
        "name_en": "Children with HIV/AIDS",
        "conditions": ["hiv"],
    },
    {
        "code": "8",
        "name": "Anak korban penculikan, penjualan, dan/atau perdagangan",
        "name_en": "Child victims of abduction, sale or trafficking",
        "restricted": True,
        "conditions": ["trafficking"],
    },
    {
        "code": "9",
        "name": "Anak korban kekerasan fisik dan/atau psikis",
        "name_en": "Child victims of physical and/or psychological violence",
        "restricted": True,
        "conditions": ["violence_physical", "violence_psychological"],
    },
    {
        "code": "10",
        "name": "Anak korban kejahatan seksual",
        "name_en": "Child victims of sexual crimes",
        "restricted": True,
        "conditions": ["sexual_abuse", "sexual_exploitation"],
    },
    {
        "code": "11",
        "name": "Anak korban jaringan terorisme",
        "name_en": "Child victims of terrorism networks",
        "restricted": True,
        "conditions": ["terrorism_network"],
    },
    {
        "code": "12",
        "name": "Anak penyandang disabilitas",
        "name_en": "Children with disabilities",
        "conditions": ["disability_physical", "disability_mental", "disability_multiple"],
    },
    {
        "code": "13",
        "name": "Anak korban perlakuan salah dan penelantaran",
        "name_en": "Child victims of mistreatment and neglect",
        "conditions": ["mistreated_abandoned", "neglected_no_care", "lost_parental_care"],
    },
    {
        "code": "14",
        "name": "Anak dengan perilaku sosial menyimpang",
        "name_en": "Children with deviant social behaviour",
        "conditions": ["deviant_behaviour"],
    },
    {
        "code": "15",
        "name": "Anak korban stigmatisasi dari pelabelan terkait dengan kondisi orang tuanya",
        "name_en": "Children stigmatised because of their parents' condition",
        "conditions": ["stigmatised"],
    },
]

# Jakarta field labels (non-regulatory) → the PMKS categories they usually indicate.
FIELD_LABELS: list[dict[str, Any]] = [
    {"code": "pengamen", "name": "Pengamen", "name_en": "Street busker", "maps_to": ["AJ"]},
    {
        "code": "manusia_silver",
        "name": "Manusia silver",
        "name_en": "'Silver man' street performer",
        "maps_to": ["AJ"],
    },
    {"code": "badut", "name": "Badut jalanan", "name_en": "Street clown", "maps_to": ["AJ"]},
    {
        "code": "ondel_ondel",
        "name": "Ondel-ondel keliling",
        "name_en": "Roaming ondel-ondel",
        "maps_to": ["AJ"],
    },
    {"code": "asongan", "name": "Pedagang asongan", "name_en": "Street vendor", "maps_to": ["AJ"]},
    {
        "code": "parkir_liar",
        "name": "Juru parkir liar",
        "name_en": "Unofficial parking attendant",
        "maps_to": ["AJ"],
    },
    {
        "code": "pengemis_anak",
        "name": "Pengemis anak / anak yang dibawa mengemis",
        "name_en": "Child beggar / child used for begging",
        "maps_to": ["AJ", "ABT", "AT"],
    },
    {
        "code": "pemulung_anak",
        "name": "Pemulung anak",
        "name_en": "Child waste picker",
        "maps_to": ["AJ"],
    },
    {
        "code": "remaja_bermasalah",
        "name": "Remaja bermasalah",
        "name_en": "Troubled adolescent",
        "maps_to": ["AMPK", "ABH"],
    },
]


def sync_classification(category_model: Any, subtype_model: Any, condition_model: Any) -> None:
    """Create or update all reference rows (idempotent; usable with historical models)."""
    conditions = {}
    for order, (code, name, name_en) in enumerate(CONDITIONS):
        conditions[code], _ = condition_model.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order}
        )
    by_key: dict[tuple[str, str], Any] = {}
    for scheme, rows in (("pmks", PMKS), ("ampk", AMPK), ("field", FIELD_LABELS)):
        for order, row in enumerate(rows):
            obj, _ = category_model.objects.update_or_create(
                scheme=scheme,
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "name_en": row["name_en"],
                    "min_age": row.get("min_age"),
                    "max_age": row.get("max_age", 17),
                    "age_rule_note": row.get("age_rule_note", ""),
                    "is_restricted": row.get("restricted", False),
                    "sort_order": order,
                },
            )
            obj.conditions.set([conditions[c] for c in row.get("conditions", [])])
            for code, name, name_en, lo, hi in row.get("subtypes", []):
                subtype_model.objects.update_or_create(
                    category=obj,
                    code=code,
                    defaults={"name": name, "name_en": name_en, "min_age": lo, "max_age": hi},
                )
            by_key[(scheme, row["code"])] = obj
    for scheme, rows, target in (("pmks", PMKS, "ampk"), ("field", FIELD_LABELS, "pmks")):
        for row in rows:
            by_key[(scheme, row["code"])].maps_to.set(
                [by_key[(target, c)] for c in row.get("maps_to", [])]
            )


def category_filter_codes() -> list[str]:
    """Every code a search may filter by: "AJ" (PMKS), "ampk:4", "field:pengamen"; also "pmks:AJ"."""
    codes = [row["code"] for row in PMKS]
    codes += [f"pmks:{row['code']}" for row in PMKS]
    codes += [f"ampk:{row['code']}" for row in AMPK]
    codes += [f"field:{row['code']}" for row in FIELD_LABELS]
    return codes
