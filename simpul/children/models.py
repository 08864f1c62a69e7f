"""Children: one protected record per child, family, consent, classification, documents, merges."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from simpul.core.concurrency import VersionedModel
from simpul.core.models import BaseModel, BilingualNameMixin


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class AgeEstimateReason(models.TextChoices):
    SELF_REPORT = "self_report", _("Child's own account")
    CAREGIVER = "caregiver", _("Parent or caregiver's account")
    MEDICAL = "medical", _("Medical or dental estimate")
    DOCUMENT = "document", _("Unverified document")
    OFFICER = "officer", _("Officer's estimate from appearance")
    OTHER = "other", _("Other")


class BirthCertificateStatus(models.TextChoices):
    HAS = "has", _("Has a birth certificate")
    NONE = "none", _("No birth certificate")
    IN_PROCESS = "in_process", _("Being arranged with Dukcapil")
    UNKNOWN = "unknown", _("Unknown")


class Religion(models.TextChoices):
    ISLAM = "islam", "Islam"
    PROTESTANT = "protestan", _("Protestant")
    CATHOLIC = "katolik", _("Catholic")
    HINDU = "hindu", "Hindu"
    BUDDHIST = "buddha", _("Buddhist")
    CONFUCIAN = "khonghucu", _("Confucian")
    KEPERCAYAAN = "kepercayaan", _("Kepercayaan terhadap Tuhan YME")
    UNKNOWN = "unknown", _("Unknown")


class SchoolStatus(models.TextChoices):
    NOT_YET = "not_yet", _("Not yet of school age")
    IN_SCHOOL = "in_school", _("In school")
    NON_FORMAL = "non_formal", _("Non-formal education (PKBM, Paket)")
    DROPPED_OUT = "dropped_out", _("Dropped out")
    NEVER = "never", _("Never attended school")
    UNKNOWN = "unknown", _("Unknown")


class DisabilityType(models.TextChoices):
    PHYSICAL = "fisik", _("Physical")
    INTELLECTUAL = "intelektual", _("Intellectual")
    MENTAL = "mental", _("Mental / psychosocial")
    SENSORY = "sensorik", _("Sensory (vision, hearing, speech)")


class Condition(BilingualNameMixin, BaseModel):
    """A condition a worker can record about a child (a criterion of one or more categories)."""

    code = models.CharField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.localized_name


class AgeRuleMixin:
    """The age rule of a category or subtype: completed years, inclusive bounds, null = none."""

    min_age: int | None
    max_age: int | None

    def age_fits(self, age: int | None) -> bool | None:
        """True/False, or None when the age is unknown."""
        if age is None:
            return None
        if self.min_age is not None and age < self.min_age:
            return False
        return not (self.max_age is not None and age > self.max_age)


class Category(AgeRuleMixin, BilingualNameMixin, BaseModel):
    """A child category: PMKS/PPKS (Permensos 08/2012), AMPK (UU 35/2014 Pasal 59) or a Jakarta
    field label. Age rules and criteria are data, so policy changes need no code change."""

    class Scheme(models.TextChoices):
        PMKS = "pmks", _("PMKS/PPKS child category (Permensos 08/2012)")
        AMPK = "ampk", _("Special protection (UU 35/2014 Pasal 59)")
        FIELD = "field", _("Jakarta field label")

    scheme = models.CharField(max_length=10, choices=Scheme.choices)
    code = models.CharField(max_length=30)
    name = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # Age in completed years; inclusive bounds; null = no bound (a child is always < 18).
    min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True)
    age_rule_note = models.CharField(max_length=255, blank=True)
    is_restricted = models.BooleanField(
        default=False,
        help_text=_("Cases in this category are restricted (names masked, openings logged)."),
    )
    conditions = models.ManyToManyField(Condition, blank=True, related_name="categories")
    maps_to = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="mapped_from"
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["scheme", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="category_unique_code")
        ]

    def __str__(self) -> str:
        label = self.localized_name
        return f"{self.code} — {label}" if self.scheme != self.Scheme.FIELD else label


class CategorySubtype(AgeRuleMixin, BilingualNameMixin, BaseModel):
    """E.g. ABH: konflik / korban / saksi; AJ: on the street / of the street / family of the street."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="subtypes")
    code = models.CharField(max_length=30)
    name = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["category", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "code"], name="category_subtype_unique_code"
            )
        ]

    def __str__(self) -> str:
        return self.localized_name


class ChildQuerySet(models.QuerySet["Child"]):
    def active(self) -> ChildQuerySet:
        """Records not merged into another record."""
        return self.filter(merged_into__isnull=True)


class Child(VersionedModel, BaseModel):
    registration_number = models.CharField(_("registration number"), max_length=20, unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    # When the date of birth is unknown: an estimated age at a date, and why. Never a date
    # invented from a NIK.
    estimated_age = models.PositiveSmallIntegerField(
        _("estimated age (years)"), null=True, blank=True
    )
    age_estimated_on = models.DateField(_("age estimated on"), null=True, blank=True)
    age_estimate_reason = models.CharField(
        _("reason of the estimate"), max_length=20, choices=AgeEstimateReason.choices, blank=True
    )
    age_estimate_note = models.CharField(_("note on the estimate"), max_length=255, blank=True)
    nik = models.CharField(_("NIK"), max_length=16, blank=True, db_index=True)
    no_kk = models.CharField(_("No. KK"), max_length=16, blank=True)
    identity_warnings = models.JSONField(default=list, blank=True)
    birth_certificate_status = models.CharField(
        _("birth certificate"),
        max_length=12,
        choices=BirthCertificateStatus.choices,
        default=BirthCertificateStatus.UNKNOWN,
    )
    birth_certificate_number = models.CharField(
        _("birth certificate number"), max_length=60, blank=True
    )
    religion = models.CharField(
        _("religion"), max_length=12, choices=Religion.choices, default=Religion.UNKNOWN
    )
    has_disability = models.BooleanField(_("has a disability"), default=False)
    disability_types = models.JSONField(_("disability types"), default=list, blank=True)
    functional_needs = models.TextField(_("functional needs"), blank=True)
    mother_name = models.CharField(_("mother's name"), max_length=150, blank=True)
    current_kelurahan = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("current kelurahan"),
    )
    current_kota_code = models.CharField(max_length=5, blank=True, db_index=True, editable=False)
    current_address = models.CharField(_("current address"), max_length=255, blank=True)
    current_spot = models.CharField(
        _("spot (for street children)"),
        max_length=255,
        blank=True,
        help_text=_("Where the child is usually found, e.g. a junction or a market."),
    )
    origin_region_code = models.CharField(_("region of origin (code)"), max_length=13, blank=True)
    origin_region_name = models.CharField(_("region of origin"), max_length=255, blank=True)
    school_status = models.CharField(
        _("school status"),
        max_length=12,
        choices=SchoolStatus.choices,
        default=SchoolStatus.UNKNOWN,
    )
    school_name = models.CharField(_("school"), max_length=150, blank=True)
    registration_note = models.TextField(
        _("registration note"),
        blank=True,
        help_text=_(
            "What the registering officer noted, e.g. the column “catatan” of an imported sheet."
        ),
    )
    conditions = models.ManyToManyField(
        Condition, blank=True, related_name="children", verbose_name=_("conditions")
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    registering_organization = models.ForeignKey(
        "directory.Organization", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_records"
    )
    # Duplicate detection: normalised name for tolerant search, and blocking keys (see
    # simpul.matching). Each key column is indexed; a check is an OR of equalities.
    search_name = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    bk_name_a = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    bk_name_b = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    bk_name_c = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    bk_nik_a = models.CharField(max_length=16, blank=True, db_index=True, editable=False)
    bk_nik_b = models.CharField(max_length=16, blank=True, db_index=True, editable=False)
    bk_mother_yob = models.CharField(max_length=40, blank=True, db_index=True, editable=False)

    objects = ChildQuerySet.as_manager()

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("child")
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_date__isnull=False) | Q(estimated_age__isnull=False),
                name="child_has_birth_date_or_estimated_age",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.registration_number})"

    def audit_label(self) -> str:
        """The child in the audit trail: the registration number, never the name."""
        return self.registration_number

    def age_on(self, on: dt.date | None = None) -> int | None:
        """Age in completed years (estimated ages advance with time)."""
        on = on or timezone.localdate()
        if self.birth_date:
            b = self.birth_date
            return on.year - b.year - ((on.month, on.day) < (b.month, b.day))
        if self.estimated_age is not None and self.age_estimated_on:
            e = self.age_estimated_on
            return self.estimated_age + on.year - e.year - ((on.month, on.day) < (e.month, e.day))
        return self.estimated_age

    @property
    def age(self) -> int | None:
        return self.age_on()

    @property
    def age_is_estimated(self) -> bool:
        return self.birth_date is None

    def eighteenth_birthday(self) -> dt.date | None:
        if self.birth_date:
            b = self.birth_date
            try:
                return b.replace(year=b.year + 18)
            except ValueError:  # 29 February
                return dt.date(b.year + 18, 3, 1)
        if self.estimated_age is not None and self.age_estimated_on:
            e = self.age_estimated_on
            return dt.date(e.year + 18 - self.estimated_age, e.month, min(e.day, 28))
        return None


class ChildAlias(BaseModel):
    class Kind(models.TextChoices):
        NICKNAME = "nickname", _("Nickname (panggilan)")
        ALIAS = "alias", _("Other name used")
        SPELLING = "spelling", _("Other spelling")
        PREVIOUS = "previous", _("Previous name")

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NICKNAME)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name


class Guardian(BaseModel):
    class Relationship(models.TextChoices):
        MOTHER = "mother", _("Mother")
        FATHER = "father", _("Father")
        GRANDPARENT = "grandparent", _("Grandparent")
        SIBLING = "sibling", _("Older sibling")
        UNCLE_AUNT = "uncle_aunt", _("Uncle / aunt")
        LEGAL_GUARDIAN = "guardian", _("Legal guardian")
        FOSTER = "foster", _("Foster parent")
        OTHER = "other", _("Other")

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="guardians")
    relationship = models.CharField(_("relationship"), max_length=12, choices=Relationship.choices)
    full_name = models.CharField(_("name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    is_primary_contact = models.BooleanField(_("primary contact"), default=False)
    lives_with_child = models.BooleanField(_("lives with the child"), default=False)
    # UU PDP Pasal 33-type safety refusal: an alleged perpetrator never gets access or notices.
    is_alleged_perpetrator = models.BooleanField(_("alleged perpetrator"), default=False)
    notes = models.CharField(_("notes"), max_length=255, blank=True)

    class Meta:
        ordering = ["-is_primary_contact", "created_at"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_relationship_display()})"

    def audit_label(self) -> str:
        return f"{self.child.registration_number} · {self.get_relationship_display()}"


def child_document_path(instance: ChildDocument, filename: str) -> str:
    # Never the original file name on disk: it may itself contain personal data.
    return f"protected/children/{instance.child_id}/{instance.id}"


class ChildDocument(BaseModel):
    """A protected attachment: served only through a permission-checked, audited view."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        BIRTH_CERTIFICATE = "akta", _("Birth certificate")
        FAMILY_CARD = "kk", _("Family card (KK)")
        CHILD_ID = "kia", _("Child identity card (KIA)")
        REPORT = "report", _("Report")
        COURT = "court", _("Court or police document")
        CONSENT = "consent", _("Consent evidence")
        OTHER = "other", _("Other")

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(upload_to=child_document_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    description = models.CharField(_("description"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"

    def audit_label(self) -> str:
        return f"{self.child.registration_number} · {self.get_kind_display()}"


class Consent(BaseModel):
    """Consent under UU 27/2022 Pasal 25: by a parent/guardian, with the child's own view recorded."""

    class Purpose(models.TextChoices):
        SERVICES = "services", _("Receiving services")
        SHARING = "sharing", _("Sharing data with named organisations")
        PUBLISH_NEED = "publish_need", _("Publishing an anonymised need")

    class Method(models.TextChoices):
        WRITTEN = "written", _("Signed form")
        RECORDED = "recorded", _("Audio/video recording")
        ELECTRONIC = "electronic", _("Electronic")
        VERBAL_WITNESSED = "verbal", _("Verbal, witnessed")

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=15, choices=Purpose.choices)
    organizations = models.ManyToManyField(
        "directory.Organization", blank=True, related_name="+", verbose_name=_("shared with")
    )
    given_by_name = models.CharField(_("given by"), max_length=150)
    given_by_relationship = models.CharField(
        _("relationship to the child"), max_length=12, choices=Guardian.Relationship.choices
    )
    child_view = models.TextField(_("the child's own view"), blank=True)
    child_agrees = models.BooleanField(_("the child agrees"), null=True)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    notice_version = models.CharField(_("notice shown (version)"), max_length=30, blank=True)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    evidence = models.ForeignKey(
        ChildDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("reason of withdrawal"), max_length=255, blank=True)

    class Meta:
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} · {self.given_by_name}"

    def audit_label(self) -> str:
        return f"{self.child.registration_number} · {self.get_purpose_display()}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class LegalBasis(BaseModel):
    """A supervisor's record of a legal basis (UU 27/2022 Pasal 20(2)) for processing or sharing
    without consent — e.g. the parent is the alleged perpetrator."""

    class Basis(models.TextChoices):
        LEGAL_OBLIGATION = "c", _("Legal obligation of the controller (Pasal 20(2)(c))")
        VITAL_INTEREST = "d", _("Vital interest of the child (Pasal 20(2)(d))")
        PUBLIC_TASK = "e", _("Public task / legal authority (Pasal 20(2)(e))")
        LEGITIMATE_INTEREST = "f", _("Legitimate interest (Pasal 20(2)(f))")

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="legal_bases")
    purpose = models.CharField(_("purpose"), max_length=15, choices=Consent.Purpose.choices)
    basis = models.CharField(_("legal basis"), max_length=1, choices=Basis.choices)
    organizations = models.ManyToManyField("directory.Organization", blank=True, related_name="+")
    justification = models.TextField(_("justification"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} · {self.get_basis_display()}"


class ChildCategory(BaseModel):
    """A child's classification in one category (a child can be in several)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="classifications")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    subtype = models.ForeignKey(
        CategorySubtype, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_primary = models.BooleanField(_("primary"), default=False)
    # Required when the child's age does not meet the category's age rule.
    age_rule_override_reason = models.CharField(max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-is_primary", "category__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "category"],
                condition=Q(ended_at__isnull=True),
                name="child_category_unique_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.child_id} · {self.category.code}"


class ChildMerge(BaseModel):
    """Two records of one child merged into one. Everything moved is recorded, so it can be undone."""

    survivor = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="merges_received")
    merged = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="merges_given")
    # Values of the merged record before the merge, and the survivor's fields it filled in.
    merged_snapshot = models.JSONField(default=dict)
    survivor_changes = models.JSONField(default=dict)
    # {"<app_label.model>": [ids of the rows re-pointed from merged to survivor]}
    moved = models.JSONField(default=dict)
    reason = models.CharField(max_length=255, blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.survivor_id}"


class DuplicateScan(BaseModel):
    """A registry-wide duplicate scan run by the worker; progress is shown while it runs."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    pairs_found = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def percent(self) -> int:
        return int(100 * self.processed / self.total) if self.total else 0


class DuplicateCandidate(BaseModel):
    class Status(models.TextChoices):
        OPEN = "open", _("To review")
        NOT_DUPLICATE = "not_duplicate", _("Not the same child")
        MERGED = "merged", _("Merged")

    scan = models.ForeignKey(
        DuplicateScan, null=True, on_delete=models.CASCADE, related_name="candidates"
    )
    child_a = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    child_b = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    level = models.CharField(max_length=10)
    reasons = models.JSONField(default=list)
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.OPEN)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(
                fields=["child_a", "child_b"], name="duplicate_candidate_unique_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.child_a_id} ~ {self.child_b_id} ({self.score:.1f})"


class NameToken(models.Model):
    """How many active children carry each canonical name token: rare names weigh more."""

    id = models.BigAutoField(primary_key=True)  # never exposed
    token = models.CharField(max_length=60, unique=True)
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.token}: {self.count}"


def child_import_path(instance: ChildImport, filename: str) -> str:
    # Never the original file name on disk; deleted once the import is done or cancelled.
    return f"protected/imports/{instance.id}"


class ChildImport(BaseModel):
    """A spreadsheet of children being imported: uploaded, validated row by row in the
    background (progress shown), previewed, and imported in one transaction once accepted."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        VALIDATING = "validating", _("Checking the rows")
        VALIDATED = "validated", _("Checked: waiting for your decision")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.UPLOADED)
    file = models.FileField(upload_to=child_import_path, blank=True)
    original_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    # {"sheet", "columns", "ignored_columns", "rows": [{"row", "status", "errors", "warnings",
    #  "candidates", ...}], "counts"}; see simpul.children.imports.
    report = models.JSONField(default=dict, blank=True)
    # {"<row number>": "import" | "skip"} for the rows with possible duplicates.
    decisions = models.JSONField(default=dict, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.status})"

    @property
    def percent(self) -> int:
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.UPLOADED, self.Status.VALIDATING, self.Status.IMPORTING)

    @property
    def awaits_decision(self) -> bool:
        """Checked, waiting for the importer: rows may be decided and the import accepted."""
        return self.status == self.Status.VALIDATED

    @property
    def can_cancel(self) -> bool:
        """Not carried out (nor being carried out), not cancelled yet."""
        return self.status not in (self.Status.IMPORTING, self.Status.DONE, self.Status.CANCELLED)
