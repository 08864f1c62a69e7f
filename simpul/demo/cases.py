"""Demo cases: each demo child's case is a story in time, told through the case SERVICES as the
people who did the work, each step at its own moment (:class:`simpul.demo.clock.Timeline`).

How a story is planned (:func:`plan_story`):

1. The intake decides the risk: a child taken at night from a fast traffic lane by coercive
   outreach is high risk, an abandoned baby or a child showing violence is high, a child
   begging by day with family nearby is low or medium… (:func:`intake_risk`).
2. The steps up to the case's target status are laid out after the report, each one before its
   own deadline (about one in ten late), with the deadline table in force (``SlaRule``).
3. The report time is then solved backwards from the demo's day, so that the case's next open
   deadline falls where a month of real work puts it: about one case in ten overdue (by days,
   a few by weeks), one in five due this week, the rest later. Closed cases were closed within
   the past year; every case was reported within it.
4. Casework happens in office hours on working days; intake at any hour (TRC, outreach at night).

Reviews recur (the review deadline starts at the plan approval and again at each review);
partner actions get due dates from the plan and are marked done around them (one in ten late;
on a case still carried out, an action due later is still in progress and a late one due in the
last three weeks still open); placements take a place of the LKSA or panti, are reviewed every
90 days while the child stays (each review sets the next) and give the place back at
reintegration. Closing ends a case's deadlines: closed and aftercare cases were closed within
the year; a reopened case's full assessment is due from its reopening, placed in time like the
next deadline of any other case. The second record of a near-duplicate pair is reported in the
last weeks, mostly with its next deadline still ahead.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from simpul.cases import services as case_services
from simpul.cases.models import (
    Case,
    CasePlan,
    CaseStatus,
    CaseTask,
    ClosureReason,
    IntakeChannel,
    Milestone,
    OutreachMethod,
    PlanAction,
    RiskLevel,
)
from simpul.children import services as child_services
from simpul.children.models import Child, Consent, Guardian, LegalBasis
from simpul.core.exceptions import ApplicationError
from simpul.demo import children as demo_children
from simpul.demo.children import TRAFFIC_LANES, DemoChild
from simpul.demo.clock import DAY, HOUR
from simpul.demo.world import CHILD_SEED, JAKTIM, DemoWorld
from simpul.directory.models import Organization, OrganizationType, Service

S = CaseStatus
M = Milestone
R = RiskLevel
LEVELS: list[str] = [R.NONE, R.LOW, R.MEDIUM, R.HIGH]

EARLY = (S.REPORTED, S.REGISTERED, S.INITIAL_ASSESSMENT, S.URGENT_PROTECTION, S.FULL_ASSESSMENT)
CLOSING = (S.CLOSURE_PENDING, S.CLOSED, S.AFTERCARE, S.REOPENED)
OLDEST_REPORT_DAYS = 355  # every demo case was reported within the past year
PLACEMENT_REVIEW_DAYS = 90  # the placement's review date set at its start (step_place)
ACTION_LATE = 0.1  # a plan action now and then done after its date (or still open, if recent)
REVIEW_LATE = 0.1  # a placement review now and then done after its date
STILL_OPEN_DAYS = 21  # a late action due at most this long before the day is still open
STORY_MARGIN_HOURS = 1.0  # the last step of a story ends at least this long before the anchor

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
# Hours of the day at which reports come in, by channel.
REPORT_HOURS: dict[str, list[int]] = {
    IntakeChannel.OUTREACH: [9, 10, 11, 13, 14, 15, 16, 19, 20, 21],
    IntakeChannel.SATPOL_PP: [10, 11, 14, 16, 19, 21, 22],
    IntakeChannel.RAPID_RESPONSE: list(range(24)),
    IntakeChannel.COMMUNITY: [7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 18, 19, 20],
    IntakeChannel.WALK_IN: [8, 9, 10, 11, 13, 14, 15],
    IntakeChannel.PARTNER: [8, 9, 10, 11, 13, 14, 15],
}
OFFICE_CHANNELS = (IntakeChannel.WALK_IN, IntakeChannel.PARTNER)
NIGHT_HOURS = [20, 21, 22, 23, 0, 1]

INTAKE_TEXT = {
    "AJ": "Ditemukan saat penjangkauan di {spot}; anak mengamen sejak pagi.",
    "AT": "Laporan warga: anak sering ditinggal sendiri tanpa pengasuhan.",
    "ABT": "Balita ditemukan tanpa pengasuh; dilaporkan melalui TRC.",
    "ADK": "Orang tua datang meminta dukungan terapi dan alat bantu.",
    "AKTK": "Rujukan dari puskesmas: tanda-tanda kekerasan pada anak.",
    "ABH": "Rujukan dari unit PPA kepolisian untuk pendampingan anak.",
    "AMPK": "Dugaan eksploitasi ekonomi; anak dipekerjakan di luar kehendaknya.",
}
SAFETY = {
    "AJ": "Anak menghabiskan sebagian besar hari di jalan dan rawan kecelakaan lalu lintas.",
    "AT": "Kebutuhan dasar anak belum terpenuhi; anak sering sendirian di rumah.",
    "ABT": "Balita tanpa pengasuh tetap; kebutuhan gizi dan kesehatan belum terpenuhi.",
    "ADK": "Anak bergantung pada pendamping untuk kegiatan sehari-hari.",
    "AKTK": "Ada tanda kekerasan; terduga pelaku tinggal dekat dengan anak.",
    "ABH": "Anak sedang menjalani proses hukum dan membutuhkan pendampingan.",
    "AMPK": "Anak dipekerjakan oleh orang dewasa dan tidak bebas pulang.",
}
INITIAL = {
    "immediate_needs": "Makanan, pakaian bersih, tempat istirahat.",
    "family_contact_notes": "Alamat keluarga diketahui dari anak.",
    "health": "Tampak sehat; perlu pemeriksaan di puskesmas.",
    "recommendation_notes": "",
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
PARTNER_ACTIONS = {
    "lksa": ("Pengasuhan sementara dan pendampingan harian di LKSA.", "residential-care"),
    "ppapp": (
        "Pendampingan psikologis dan perlindungan korban (UPT P2TP2A).",
        "child-protection",
    ),
    "disdik": ("Pendaftaran kembali ke sekolah atau kelas paket.", "education"),
    "dukcapil": ("Penerbitan akta kelahiran dan KIA.", "civil-registration"),
    "panti": ("Pengasuhan sementara di panti sosial (upaya terakhir).", "residential-care"),
}


@dataclass
class CaseStory:
    """One case: how it came in, how risky it is, and its steps with their moments."""

    demo: DemoChild
    rng: random.Random
    intake_channel: str = ""
    outreach_method: str = ""
    coercive_justification: str = ""
    night_lane: str = ""
    report_time: dt.time = dt.time(10, 0)
    risk: str = R.MEDIUM  # when the case is opened
    assessed_risk: str = R.MEDIUM  # proposed by the initial assessment
    final_risk: str = R.MEDIUM  # after the last review
    full_variant: int = 0  # full assessment: 0 draft, 1 submitted, 2 approved + plan submitted
    contact: bool = True
    reviews: int = 0
    partners: list[Organization] = field(default_factory=list)
    partner_days: dict[Any, int] = field(default_factory=dict)  # organisation pk → days
    lead_days: int = 150
    placement_wanted: bool = False
    late_actions: set[Any] = field(default_factory=set)  # organisations whose action runs late
    offsets: list[tuple[str, float, Any]] = field(default_factory=list)  # hours after report
    reported_at: dt.datetime | None = None
    moments: list[tuple[str, dt.datetime, Any]] = field(default_factory=list)
    due_class: str = ""  # overdue / week / later / closed / variant
    # Written while the story runs.
    case: Case | None = None
    initial: Any = None
    full: Any = None
    review: Any = None
    plan: CasePlan | None = None
    placement: Any = None

    @property
    def first_step(self) -> dt.datetime:
        return self.moments[0][1]


# --- risk ---------------------------------------------------------------------------------------
def intake_risk(demo: DemoChild, story: CaseStory, rng: Any) -> str:
    """The risk level a worker gives at intake, from what the intake story says."""
    cat, conditions = demo.category, set(demo.conditions)
    if story.outreach_method == OutreachMethod.COERCIVE or demo.target == S.URGENT_PROTECTION:
        return R.HIGH  # immediate danger (a fast lane at night, violence, exploitation)
    if cat == "AJ":
        if "lives_on_street" in conditions:
            return R.HIGH if demo.age < 10 else R.MEDIUM
        return rng.choice([R.MEDIUM, R.LOW]) if "earning_on_street" in conditions else R.LOW
    if cat == "AMPK":
        if conditions & {"trafficking", "substance_abuse", "emergency_situation"}:
            return R.HIGH
        return R.HIGH if demo.age < 12 else R.MEDIUM
    if cat == "AKTK":
        if "violence_physical" in conditions:
            return R.HIGH
        return R.HIGH if demo.age < 6 else R.MEDIUM
    if cat == "ABT":
        if "malnourished" in conditions or demo.abandoned:
            return R.HIGH
        return R.MEDIUM
    if cat == "ABH":
        return {"korban": R.HIGH, "konflik": R.MEDIUM}.get(demo.subtype, R.LOW)
    if cat == "AT":
        if conditions & {"lost_parental_care", "neglected_no_care"}:
            return R.MEDIUM
        return R.LOW
    if cat == "ADK":
        if "daily_living_dependence" in conditions:
            return R.MEDIUM
        return R.NONE if story.intake_channel == IntakeChannel.WALK_IN else R.LOW
    return R.MEDIUM


def _step_down(level: str) -> str:
    return LEVELS[max(0, LEVELS.index(level) - 1)]


def _step_up(level: str) -> str:
    return LEVELS[min(len(LEVELS) - 1, LEVELS.index(level) + 1)]


# --- planning -----------------------------------------------------------------------------------
def plan_intake(world: DemoWorld, demo: DemoChild) -> CaseStory:
    # Each story draws from its own generator (seeded by the child's place in the plan), so a
    # change to one story leaves the others as they were.
    rng = random.Random(f"{CHILD_SEED}:{demo.key}")
    story = CaseStory(demo=demo, rng=rng)
    demo.story = story
    if demo.category in ("AJ", "AMPK") and demo.original is None and rng.random() < 0.12:
        story.intake_channel = rng.choice([IntakeChannel.OUTREACH, IntakeChannel.SATPOL_PP])
        story.outreach_method = OutreachMethod.COERCIVE
        story.night_lane = rng.choice(TRAFFIC_LANES)
        story.coercive_justification = (
            "Anak berada di jalur cepat lalu lintas pada malam hari dan menolak dibujuk menepi; "
            "bahaya langsung tertabrak. Penjangkauan bersama Satpol PP demi keselamatan anak."
        )
        hour = rng.choice(NIGHT_HOURS)
    else:
        story.intake_channel = rng.choice(INTAKE[demo.category])
        if demo.category in ("AJ", "AMPK") and story.intake_channel in (
            IntakeChannel.OUTREACH,
            IntakeChannel.SATPOL_PP,
        ):
            story.outreach_method = OutreachMethod.PERSUASIVE
        hour = rng.choice(REPORT_HOURS[story.intake_channel])
    story.report_time = dt.time(hour, rng.randint(0, 30 if hour == 23 else 59), rng.randint(0, 59))
    story.risk = intake_risk(demo, story, rng)
    story.assessed_risk = story.risk
    target = demo.target
    if target not in EARLY and story.risk != R.HIGH and rng.random() < 0.12:
        story.assessed_risk = _step_up(story.risk)  # the initial assessment found more
    story.final_risk = story.assessed_risk
    story.full_variant = rng.randrange(3) if target == S.FULL_ASSESSMENT else 2
    if target == S.PLAN_APPROVED:
        story.reviews = 0
    elif target in (S.IMPLEMENTATION, S.REINTEGRATION):
        story.reviews = rng.choice([0, 1, 1, 2])
    elif target == S.REVIEW or target in CLOSING:
        story.reviews = rng.choice([1, 1, 2])
    if target in CLOSING:
        # A case closes when the child is safe: the risk was brought down at the last review.
        story.final_risk = R.NONE if rng.random() < 0.3 else R.LOW
    elif story.reviews and story.assessed_risk in (R.HIGH, R.MEDIUM) and rng.random() < 0.25:
        story.final_risk = _step_down(story.assessed_risk)
    story.partners = _partners(world, demo, rng)
    for org in story.partners:
        story.partner_days[org.pk] = rng.randint(14, 75)
    story.lead_days = rng.randint(120, 200)
    homes = [o for o in story.partners if _is_home(world, o)]
    story.placement_wanted = bool(homes) and rng.random() < 0.6
    return story


def _is_home(world: DemoWorld, org: Organization) -> bool:
    return org.pk == world.lksa.pk or org.org_type == OrganizationType.PANTI


def _partners(world: DemoWorld, demo: DemoChild, rng: random.Random) -> list[Organization]:
    """The organisations the plan (and a placement) will involve, besides the Suku Dinas."""
    out: list[Organization] = []
    if demo.kota == JAKTIM and demo.category in ("AT", "AJ", "ABT", "AMPK") and rng.random() < 0.45:
        out.append(world.lksa)
    if demo.category in ("AKTK", "AMPK") or (demo.category == "ABH" and rng.random() < 0.5):
        out.append(world.ppapp)
    if demo.age >= 6 and rng.random() < 0.3:
        out.append(world.disdik)
    if rng.random() < 0.2:
        out.append(world.dukcapil)
    if (
        demo.kota == JAKTIM
        and world.panti_timur
        and demo.category in ("AT", "ABT")
        and world.lksa not in out
        and rng.random() < 0.2
    ):
        out.append(world.panti_timur[0] if demo.category == "ABT" else world.panti_timur[-1])
    return out


def _late_or(rng: Any, lo: float, hi: float, late: float = 0.1) -> float:
    """A fraction of a deadline's hours: on time (``lo``–``hi``) or, now and then, late."""
    return rng.uniform(1.04, 1.5) if rng.random() < late else rng.uniform(lo, hi)


def _lay_out(world: DemoWorld, story: CaseStory) -> tuple[str, str, str, str]:
    """The steps up to the target, in hours after the report (``story.offsets``). Returns what
    decides the case's next open deadline: (the base step or "report", the milestone, the
    risk level whose hours apply, the step after which later steps may be compressed)."""
    rng, target = story.rng, story.demo.target
    r0, r1, rf = story.risk, story.assessed_risk, story.final_risk

    def h(level: str, milestone: str) -> float:
        return world.hours(level, milestone)

    steps: list[tuple[str, float, Any]] = []
    side: list[tuple[str, float, Any]] = []
    t = 0.0

    def add(name: str, at: float, gap: float = 0.25, arg: Any = None) -> float:
        nonlocal t
        t = max(at, t + gap)
        steps.append((name, t, arg))
        return t

    def done() -> None:
        story.offsets = sorted(steps + side, key=lambda s: s[1])

    story.late_actions = set()

    add("register", rng.uniform(0.15, 2.5))
    add("open", t + rng.uniform(0.05, 0.3), gap=0.03)
    story.contact = target != S.REPORTED or rng.random() < 0.5
    if story.contact:
        add("contact", h(r0, M.FIRST_CONTACT) * _late_or(rng, 0.15, 0.85))
    if target == S.REPORTED:
        done()
        return "report", (M.INITIAL_ASSESSMENT if story.contact else M.FIRST_CONTACT), r0, "open"
    add("confirm", t + rng.uniform(0.3, 8))
    if target == S.REGISTERED:
        done()
        return "report", M.INITIAL_ASSESSMENT, r0, "open"
    add("initial_start", h(r0, M.INITIAL_ASSESSMENT) * rng.uniform(0.25, 0.55))
    if target == S.INITIAL_ASSESSMENT:
        done()
        return "report", M.INITIAL_ASSESSMENT, r0, "open"
    add("initial_submit", h(r0, M.INITIAL_ASSESSMENT) * _late_or(rng, 0.6, 0.95))
    if target == S.URGENT_PROTECTION:
        add("urgent", t + rng.uniform(0.3, 2.5), gap=0.1)
        if rng.random() < 0.5:  # else the initial assessment still waits for the supervisor
            add("initial_approve", t + rng.uniform(1, 30))
        done()
        return "report", M.FULL_ASSESSMENT, r1, "open"
    add("initial_approve", t + rng.uniform(2, 40))
    add("full_start", max(t + rng.uniform(2, 30), h(r1, M.FULL_ASSESSMENT) * rng.uniform(0.2, 0.4)))
    if target == S.FULL_ASSESSMENT and story.full_variant == 0:
        done()
        return "report", M.FULL_ASSESSMENT, r1, "open"
    add("full_submit", h(r1, M.FULL_ASSESSMENT) * _late_or(rng, 0.6, 0.95))
    if target == S.FULL_ASSESSMENT and story.full_variant == 1:
        done()  # the full assessment waits in the supervisor's queue
        return "report", M.CASE_PLAN, r1, "open"
    add("full_approve", t + rng.uniform(3, 50))
    add("consents", t + rng.uniform(1, 30))
    plan_at = add("plan_draft", t + rng.uniform(0.5, 30))
    add("plan_submit", max(t + rng.uniform(0.3, 30), h(r1, M.CASE_PLAN) * rng.uniform(0.4, 0.7)))
    if target == S.FULL_ASSESSMENT:
        done()  # the plan waits for approval
        return "report", M.CASE_PLAN, r1, "open"
    add("plan_approve", max(t + rng.uniform(3, 60), h(r1, M.CASE_PLAN) * _late_or(rng, 0.55, 0.95)))
    if target == S.PLAN_APPROVED:
        done()
        return "plan_approve", M.REVIEW, r1, "plan_approve"
    start = add("implement", t + rng.uniform(2, 72))
    if story.placement_wanted:
        add("place", t + rng.uniform(1, 72))
    side.append(("visit", start + rng.uniform(24, 300), None))
    lead = world.sudins[story.demo.kota]
    for org, days in [(lead, story.lead_days)] + [
        (o, story.partner_days[o.pk]) for o in story.partners
    ]:
        if org.pk in (world.lksa.pk, world.ppapp.pk):
            side.append(("partner_visit", start + rng.uniform(48, 400), org.pk))
        if rng.random() < ACTION_LATE:  # done days to two weeks after its date
            story.late_actions.add(org.pk)
            done_at = plan_at + days * 24 + rng.uniform(24, 14 * 24)
        else:
            done_at = plan_at + days * 24 - rng.uniform(0, 240)
        side.append(("action_done", max(done_at, start + rng.uniform(6, 200)), org.pk))
    # Placement reviews are laid out once the moments are known (_placement_reviews).
    base_name = "plan_approve"
    for k in range(story.reviews):
        last = k == story.reviews - 1
        # Due H hours after the plan approval or the last review, at the level then in force.
        at = _offset(steps, base_name) + h(r1, M.REVIEW) * _late_or(rng, 0.7, 0.97, late=0.08)
        if rng.random() < 0.5:
            side.append(("visit", at - rng.uniform(24, 96), None))  # a home visit before it
        base_name = f"review:{k + 1}"
        add(base_name, at)
        if not (last and target == S.REVIEW and rng.random() < 0.5):
            add("review_approve", t + rng.uniform(3, 60))  # else it waits for the supervisor
        if last and rf != r1:
            add("lower_risk", t + rng.uniform(0.2, 3), gap=0.1)
        if not last or target == S.IMPLEMENTATION:
            add("resume", t + rng.uniform(3, 100))
    if target in (S.IMPLEMENTATION, S.REVIEW):
        _keep_side(side, start, None, rng)
        done()
        return base_name, M.REVIEW, rf, base_name
    add("reintegrate", t + rng.uniform(24, 300))
    if story.placement_wanted:
        add("leave_placement", t + rng.uniform(2, 72))
    if target == S.REINTEGRATION:
        _keep_side(side, start, None, rng)
        done()
        return base_name, M.REVIEW, rf, base_name
    request_at = add("close_request", t + rng.uniform(48, 500))
    _keep_side(side, start, request_at, rng)
    if target == S.CLOSURE_PENDING:
        done()
        return base_name, M.REVIEW, rf, base_name
    add("close_approve", t + rng.uniform(6, 110))
    if target == S.AFTERCARE:
        add("aftercare", t + rng.uniform(1, 70))
    elif target == S.REOPENED:
        # Closing ended the deadlines; the reopened case's full assessment is due from the
        # reopening, and decides when the story is told.
        add("reopen", t + rng.uniform(200, 1400))
        done()
        return "reopen", M.FULL_ASSESSMENT, rf, "reopen"
    done()
    return base_name, M.REVIEW, rf, base_name


def _offset(steps: list[tuple[str, float, Any]], name: str) -> float:
    for step, at, _arg in steps:
        if step == name:
            return at
    raise KeyError(name)


def _keep_side(
    side: list[tuple[str, float, Any]], after: float, before: float | None, rng: Any
) -> None:
    """Side steps (visits, partner work) happen while the case is carried out: after the
    implementation starts and, when closure is requested, before it (an action not yet marked
    done then is done just before the request)."""
    kept = []
    for name, at, arg in side:
        if at <= after + 0.5:
            continue
        if before is not None and at >= before - 0.5:
            if name != "action_done":
                continue
            at = before - rng.uniform(1.0, 40.0)
            if at <= after + 0.5:
                continue
        kept.append((name, at, arg))
    side[:] = kept


def _due_offset(rng: Any, lo: float, hi: float) -> tuple[str, float]:
    """Where the next open deadline falls, in hours after the anchor (negative: overdue): about
    one case in ten overdue (most by days, some by weeks), one in five due this week, the rest
    later; always within [lo, hi], what the story leaves possible."""
    roll = rng.random()
    if roll < 0.08:
        days = rng.uniform(1, 7) if rng.random() < 0.65 else rng.uniform(7, 30)
        kind, due = "overdue", -days * 24
    elif roll < 0.30:
        kind, due = "week", rng.uniform(10, 7 * 24)  # not before the morning of the day
    else:
        kind, due = "later", rng.uniform(7 * 24, max(7 * 24, hi))
    if due > hi:  # what the story leaves possible: due a little sooner
        due = hi - rng.uniform(0, min(72.0, max(0.0, hi - lo)))
    if due < lo:
        due = lo + rng.uniform(0, min(72.0, hi - lo))
    return kind, due


def plan_story(world: DemoWorld, demo: DemoChild, *, limit: dt.datetime) -> CaseStory:
    """Plan the case of ``demo``: intake, risk, steps and their moments, all before ``limit``."""
    story = plan_intake(world, demo)
    fewest = 1 if demo.target == S.REVIEW or demo.target in CLOSING else 0
    for _attempt in range(8):
        base_name, milestone, level, pivot = _lay_out(world, story)
        if _place_in_time(world, story, base_name, milestone, level, pivot, limit):
            _open_actions(world, story)
            _placement_reviews(world, story, limit)
            return story
        if story.reviews > fewest:
            story.reviews -= 1  # too long a story for one year: one review fewer
    raise RuntimeError(f"demo: no room in the year for a {demo.target} case")


def _place_in_time(
    world: DemoWorld,
    story: CaseStory,
    base_name: str,
    milestone: str,
    level: str,
    pivot: str,
    limit: dt.datetime,
) -> bool:
    rng, clock, demo = story.rng, world.clock, story.demo
    offsets = story.offsets
    names = [name for name, _at, _arg in offsets]
    base_at = 0.0 if base_name == "report" else offsets[names.index(base_name)][1]
    pivot_at = offsets[names.index(pivot)][1]
    after = [o for o in offsets if o[1] > pivot_at]
    last_at = offsets[-1][1]
    hours = world.hours(level, milestone)
    limit_h = (limit - clock.anchor) / HOUR  # ≤ 0
    # The room the steps after the pivot need at least (casework takes days after a review).
    need = len(after) * (12.0 if pivot != "open" else 0.3)
    oldest = clock.anchor - dt.timedelta(days=OLDEST_REPORT_DAYS)
    if demo.original is not None:
        # The second record of a near-duplicate pair: reported in the last weeks, after the
        # first record, and registered before the supervisor's duplicate scan (``limit``);
        # its next deadline mostly still ahead (the report at most that long before the day).
        story.due_class = "variant"
        ahead = (limit - clock.anchor) / DAY + (base_at + hours) / 24 - 0.5
        most = 25.0 if rng.random() < 0.1 else min(25.0, ahead)
        least = min(2.0, max(0.3, most / 2))
        report = limit - dt.timedelta(days=rng.uniform(least, max(least, most)))
        first = demo.original.story
        if first is not None and first.moments:
            report = max(report, first.moments[0][1] + DAY)
    elif demo.target in (S.CLOSED, S.AFTERCARE):
        # Nothing is due on a closed case (closing ended its deadlines): closed in the year.
        story.due_class = "closed"
        closed_at = offsets[names.index("close_approve")][1]
        earliest = oldest + dt.timedelta(hours=closed_at)
        report = max(clock.days_ago(rng.uniform(3, 330)), earliest) - dt.timedelta(hours=closed_at)
    else:
        # Latest due: the steps keep their natural pace if they can, else they are compressed.
        hi = hours - (pivot_at - base_at) - need - STORY_MARGIN_HOURS + limit_h
        natural = hours - (last_at - base_at) - STORY_MARGIN_HOURS + limit_h
        lo = hours + base_at - OLDEST_REPORT_DAYS * 24
        if natural >= max(lo, 0.0):
            hi = natural
        if demo.target == S.PLAN_APPROVED:
            lo = max(lo, hours - 10 * 24)  # approved in the last days: the work starts soon
        if lo > hi:
            return False
        story.due_class, due = _due_offset(rng, lo, hi)
        report = clock.anchor + dt.timedelta(hours=due - hours - base_at)
    # The intake (registration, opening) must fit before the limit.
    latest = limit - dt.timedelta(hours=pivot_at + STORY_MARGIN_HOURS)
    report = _at_report_time(world, story, report, latest=latest, due=base_at + hours)
    if report < oldest:
        return False
    # Compress the steps after the pivot into the room left before the limit.
    room = (limit - report) / HOUR - STORY_MARGIN_HOURS
    if last_at > room:
        span = last_at - pivot_at
        scale = (room - pivot_at) * rng.uniform(0.85, 1.0) / span
        story.offsets = [
            (name, at if at <= pivot_at else pivot_at + (at - pivot_at) * scale, arg)
            for name, at, arg in offsets
        ]
    story.reported_at = report
    story.moments = _moments(world, story, report, limit)
    if story.due_class in ("overdue", "week", "later"):
        # Office hours may have moved the base step: keep the deadline on its planned side.
        base = report
        for name, moment, _arg in story.moments:
            if name == base_name:
                base = moment
        overdue = base + dt.timedelta(hours=hours) < clock.anchor
        if overdue != (story.due_class == "overdue"):
            return False
    return True


def _open_actions(world: DemoWorld, story: CaseStory) -> None:
    """On a case still being carried out on the day, a plan action due later is still open
    (the work goes on), and a late one due in the last weeks is still open past its date;
    the others were marked done around their dates."""
    if story.demo.target in CLOSING:
        return
    names = [name for name, _moment, _arg in story.moments]
    if "plan_draft" not in names:
        return
    drafted = story.moments[names.index("plan_draft")][1].astimezone(world.clock.anchor.tzinfo)
    lead = world.sudins[story.demo.kota]
    today = world.clock.today
    kept = []
    for name, moment, arg in story.moments:
        if name == "action_done":
            days = story.lead_days if arg == lead.pk else story.partner_days[arg]
            due = drafted.date() + dt.timedelta(days=days)
            if due > today + dt.timedelta(days=7):
                continue  # due later: still in progress
            if arg in story.late_actions and today - dt.timedelta(days=STILL_OPEN_DAYS) <= due:
                continue  # late, and not done yet
        kept.append((name, moment, arg))
    story.moments = kept


def _placement_reviews(world: DemoWorld, story: CaseStory, limit: dt.datetime) -> None:
    """The placement is reviewed every 90 days while the child stays (the next review is set
    at each one, ``placement_review_next``): most a few days before the date, now and then a
    few days after it; a review due before the day and not yet done is late by days."""
    names = [name for name, _moment, _arg in story.moments]
    if "place" not in names:
        return
    clock, rng = world.clock, story.rng
    placed = story.moments[names.index("place")][1]
    left = story.moments[names.index("leave_placement")][1] if "leave_placement" in names else limit
    due = placed.astimezone(clock.anchor.tzinfo).date() + dt.timedelta(days=PLACEMENT_REVIEW_DAYS)
    floor = placed
    reviews = []
    while True:
        target = clock.at(due, dt.time(12, 0))
        if rng.random() < REVIEW_LATE:
            target += dt.timedelta(hours=rng.uniform(24, 8 * 24))
        else:
            target -= dt.timedelta(hours=rng.uniform(0, 5 * 24))
        target = max(target, floor + HOUR)
        if target >= left:
            break
        moment = clock.office(target, rng, floor=floor, limit=min(left, limit))
        if not floor < moment < min(left, limit):
            break
        reviews.append(("placement_review", moment, None))
        due = moment.astimezone(clock.anchor.tzinfo).date() + dt.timedelta(
            days=PLACEMENT_REVIEW_DAYS
        )
        floor = moment
    story.moments = sorted(story.moments + reviews, key=lambda m: m[1])


def _at_report_time(
    world: DemoWorld, story: CaseStory, report: dt.datetime, *, latest: dt.datetime, due: float
) -> dt.datetime:
    """The report at the hour its intake channel works (walk-ins and partner referrals on a
    working day), on the day nearest the solved moment that still fits before ``latest`` and
    keeps the next deadline on its side of the anchor (``due``: hours after the report; a
    deadline planned overdue stays overdue, one planned ahead stays ahead)."""
    from simpul.demo.clock import is_working_day

    clock = world.clock
    day = report.astimezone(clock.anchor.tzinfo).date()
    overdue = report + dt.timedelta(hours=due) < clock.anchor
    fitting = []
    for shift in (0, -1, 1, -2, 2, -3, 3, -4, 4):
        moment = clock.at(day + shift * DAY, story.report_time)
        if moment > latest:
            continue
        if story.intake_channel in OFFICE_CHANNELS and not is_working_day(moment.date()):
            continue
        fitting.append(moment)
        if (moment + dt.timedelta(hours=due) < clock.anchor) == overdue:
            return moment
    if fitting:
        return fitting[0]
    moment = clock.at(day, story.report_time)
    while moment > latest:
        moment -= DAY
    return moment


def _moments(
    world: DemoWorld, story: CaseStory, report: dt.datetime, limit: dt.datetime
) -> list[tuple[str, dt.datetime, Any]]:
    clock, rng = world.clock, story.rng
    midnight = clock.at(report.astimezone(clock.anchor.tzinfo).date() + DAY, dt.time(0, 0))
    out: list[tuple[str, dt.datetime, Any]] = []
    previous = report
    for name, at, arg in story.offsets:
        moment = report + dt.timedelta(hours=at)
        if name in ("register", "open"):
            # Registered and opened the day of the report (the risk history starts that day).
            moment = min(moment, midnight - dt.timedelta(minutes=4 if name == "register" else 2))
        else:
            moment = clock.office(moment, rng, floor=previous, limit=limit)
        moment = max(moment, previous + dt.timedelta(seconds=40))
        out.append((name, moment, arg))
        previous = moment
    return out


# --- telling the story ----------------------------------------------------------------------------
def tell(world: DemoWorld, story: CaseStory) -> Iterator[dt.datetime]:
    """The story as the Timeline runs it: yields each step's moment, then does the step."""
    for name, moment, arg in story.moments:
        yield moment
        step = name.split(":")[0]
        STEPS[step](world, story, arg)


def _case(story: CaseStory) -> Case:
    assert story.case is not None
    return story.case


def _move(story: CaseStory, to: str, reason: str = "") -> None:
    case_services.case_transition(
        actor=story.demo.worker, case=_case(story), to_status=to, reason=reason
    )


def step_register(world: DemoWorld, story: CaseStory, _arg: Any) -> None:
    child = demo_children.register(world, story.demo)
    demo_children.classify(world, story.demo, child)


def step_open(world: DemoWorld, story: CaseStory, _arg: Any) -> None:
    demo = story.demo
    assert demo.child is not None and story.reported_at is not None
    story.case = case_services.case_open(
        actor=demo.worker,
        child=demo.child,
        intake_channel=story.intake_channel,
        intake_details=_intake_details(story, demo.child),
        reported_at=story.reported_at,
        risk_level=story.risk,
        lead_organization=world.sudins[demo.kota],
        supervisor=world.supervisor if demo.supervisor_assigned else None,
        is_sensitive=demo.sensitive,
        primary_category=world.categories[demo.category],
        outreach_method=story.outreach_method,
        coercive_justification=story.coercive_justification,
    )


def _intake_details(story: CaseStory, child: Child) -> str:
    if story.night_lane:
        assert story.reported_at is not None
        when = timezone.localtime(story.reported_at)
        return (
            f"Penjangkauan malam pukul {when:%H.%M}: anak berada di {story.night_lane} di "
            "antara kendaraan yang melaju dan menolak dibujuk menepi."
        )
    text = INTAKE_TEXT[story.demo.category]
    return text.format(spot=child.current_spot or "titik rawan")


def step_contact(world: DemoWorld, story: CaseStory, _arg: Any) -> None:
    text = (
        "Kunjungan pertama: anak mau berbicara dengan pekerja sosial."
        if story.demo.target != S.REPORTED
        else "Kontak pertama dengan anak; identitas belum dapat dipastikan."
    )
    case_services.case_note_add(actor=story.demo.worker, case=_case(story), text=text)


def step_confirm(world: DemoWorld, story: CaseStory, _arg: Any) -> None:
    _move(story, S.REGISTERED)


def _initial_data(story: CaseStory) -> dict[str, Any]:
    demo = story.demo
    danger = (
        "yes"
        if story.outreach_method == OutreachMethod.COERCIVE or demo.target == S.URGENT_PROTECTION
        else ("unknown" if story.risk == R.HIGH else "no")
    )
    perpetrator = any(g.get("is_alleged_perpetrator") for g in demo.guardians)
    if perpetrator:
        family = "not_safe"
    elif demo.data.get("mother_name"):
        family = "known_not_contacted" if story.risk == R.HIGH else "contacted"
    else:
        family = "unknown"
    recommendation = {
        "ADK": "health_referral",
        "ABT": "panti",
        "AKTK": "panti" if danger == "yes" else "full_assessment",
    }.get(demo.category, "family_return" if story.risk == R.LOW else "full_assessment")
    return {
        **INITIAL,
        "safety_concerns": SAFETY[demo.category],
        "immediate_danger": danger,
        "family_contact": family,
        "recommendation": recommendation,
        "risk_level_proposed": story.assessed_risk,
    }


def step_initial_start(world: DemoWorld, story: CaseStory, _arg: Any) -> None:
    _move(story, S.INITIAL_ASSESSMENT)
    story.initial = case_services.assessment_save(
        actor=story.demo.worker, case=_case(story), kind="initial", data=_initial_data(story)
    )


def step_initial_submit(world: DemoWorld, story: CaseStory, _arg: Any) -> None:
    case_services.assessment_submit(actor=story.demo.worker, assessment=story.initial)


def step_initial_approve(world: DemoWorld, story: CaseStory, _arg: Any) -> None:
    case_services.assessment_approve(
        actor=world.supervisor, assessment=story.initial, note="Asesmen awal diterima."
    )


def step_urgent(world: DemoWorld, story: CaseStory, _arg: Any) -> None:
    _move(
        story,
        S.URGENT_PROTECTION,
        "Anak dalam bahaya langsung: dipindahkan ke rumah aman malam ini.",
    )


def step_full_start(world: DemoWorld, story: CaseStory, _arg: Any) -> None:
    _move(story, S.FULL_ASSESSMENT)
    story.full = case_services.assessment_save(
        actor=story.demo.worker, case=_case(story), kind="full", data=FULL
    )


def step_full_submit(world: DemoWorld, story: CaseStory, _arg: Any) -> None:
    case_services.assessment_submit(actor=story.demo.worker, assessment=story.full)


def step_full_approve(world: DemoWorld, story: CaseStory, _arg: Any) -> None:
    case_services.assessment_approve(
        actor=world.supervisor, assessment=story.full, note="Asesmen lengkap dan jelas."
    )


def step_consents(world: DemoWorld, story: CaseStory, _arg: Any) -> None:
    """Consent to services, and to sharing with the partners of the plan (or, when a parent is
    the alleged perpetrator, a legal basis recorded by the supervisor)."""
    demo, child = story.demo, story.demo.child
    assert child is not None
    primary = child.guardians.filter(is_alleged_perpetrator=False).first()
    common: dict[str, Any] = {
        "given_by_name": primary.full_name if primary else child.mother_name or "Wali anak",
        "given_by_relationship": primary.relationship if primary else Guardian.Relationship.OTHER,
        "child_view": "Anak setuju dan mau dibantu.",
        "child_agrees": True,
        "method": story.rng.choice([Consent.Method.WRITTEN, Consent.Method.VERBAL_WITNESSED]),
        "notice_version": "2024-1",
    }
    child_services.consent_record(
        actor=demo.worker, child=child, purpose=Consent.Purpose.SERVICES, **common
    )
    if not story.partners:
        return
    if demo.category == "AKTK" and child.guardians.filter(is_alleged_perpetrator=True).exists():
        child_services.legal_basis_record(
            actor=world.supervisor,
            child=child,
            purpose=Consent.Purpose.SHARING,
            basis=LegalBasis.Basis.VITAL_INTEREST,
            organizations=story.partners,
            justification="Ayah adalah terduga pelaku; persetujuan tidak dapat diminta tanpa "
            "membahayakan anak.",
        )
    else:
        child_services.consent_record(
            actor=demo.worker,
            child=child,
            purpose=Consent.Purpose.SHARING,
            organizations=story.partners,
            **common,
        )


def _partner_key(world: DemoWorld, org: Organization) -> str:
    keys = {
        world.lksa.pk: "lksa",
        world.ppapp.pk: "ppapp",
        world.disdik.pk: "disdik",
        world.dukcapil.pk: "dukcapil",
    }
    return keys.get(org.pk, "panti")


def step_plan_draft(world: DemoWorld, story: CaseStory, _arg: Any) -> None:
    demo, case = story.demo, _case(story)
    w = demo.worker
    today = timezone.localdate()
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
        responsible_organization=world.sudins[demo.kota],
        due_date=today + dt.timedelta(days=story.lead_days),
        service_type=world.terms.get("case-management"),
    )
    if story.partners:
        goal2 = case_services.plan_goal_add(
            actor=w, plan=plan, description="Anak mendapat layanan dari mitra sesuai kebutuhannya."
        )
        for org in story.partners:
            text, term = PARTNER_ACTIONS[_partner_key(world, org)]
            case_services.plan_action_add(
                actor=w,
                goal=goal2,
                description=text,
                responsible_organization=org,
                due_date=today + dt.timedelta(days=story.partner_days[org.pk]),
                service_type=world.terms.get(term),
            )
    story.plan = plan


def step_plan_submit(world: DemoWorld, story: CaseStory, _arg: Any) -> None:
    assert story.plan is not None
    case_services.plan_submit(actor=story.demo.worker, plan=story.plan)


def step_plan_approve(world: DemoWorld, story: CaseStory, _arg: Any) -> None:
    assert story.plan is not None
    case_services.plan_approve(
        actor=world.supervisor, plan=story.plan, note="Rencana sesuai hasil asesmen."
    )


def _partner_user(world: DemoWorld, story: CaseStory, org_pk: Any) -> Any:
    """Who records a partner's work: its demo user where it has one, else the case worker."""
    if org_pk == world.lksa.pk:
        return world.org_staff
    if org_pk == world.ppapp.pk:
        return world.liaison
    return story.demo.worker


def _actions(story: CaseStory, org_pk: Any) -> list[PlanAction]:
    assert story.plan is not None
    return list(
        PlanAction.objects.filter(
            goal__plan=story.plan, responsible_organization_id=org_pk
        ).exclude(status__in=[PlanAction.Status.DONE, PlanAction.Status.CANCELLED])
    )


def step_implement(world: DemoWorld, story: CaseStory, _arg: Any) -> None:
    """The plan is carried out; the demo partners (LKSA, Dinas PPAPP) start their actions."""
    _move(story, S.IMPLEMENTATION)
    assert story.plan is not None
    for action in PlanAction.objects.filter(
        goal__plan=story.plan, responsible_organization__in=[world.lksa, world.ppapp]
    ).order_by("created_at"):
        case_services.plan_action_set_status(
            actor=_partner_user(world, story, action.responsible_organization_id),
            action=action,
            status=PlanAction.Status.IN_PROGRESS,
        )


def step_place(world: DemoWorld, story: CaseStory, _arg: Any) -> None:
    homes = [o for o in story.partners if _is_home(world, o)]
    if not homes:
        return
    org = homes[0]
    service = (
        Service.objects.filter(
            organization=org, service_type__code="residential-care", capacity_total__isnull=False
        )
        .with_free_capacity()
        .first()
    )
    if service is None:
        return  # full: the child stays with the family while a place is found
    start = timezone.localdate()
    try:
        story.placement = case_services.placement_start(
            actor=story.demo.worker,
            case=_case(story),
            organization=org,
            service=service,
            start_date=start,
            review_due=start + dt.timedelta(days=90),
            gatekeeping_note="Keluarga inti dan kerabat sudah dihubungi; belum ada yang dapat "
            "mengasuh sementara.",
        )
    except ApplicationError:
        story.placement = None


def step_visit(world: DemoWorld, story: CaseStory, _arg: Any) -> None:
    demo = story.demo
    case_services.service_delivery_record(
        actor=demo.worker,
        case=_case(story),
        service_type=world.terms["case-management"],
        organization=world.sudins[demo.kota],
        delivered_on=timezone.localdate(),
        description="Kunjungan rumah dan konseling keluarga.",
    )


def step_partner_visit(world: DemoWorld, story: CaseStory, org_pk: Any) -> None:
    if org_pk == world.lksa.pk:
        term, org, text = "residential-care", world.lksa, "Pengasuhan harian dan bimbingan belajar."
    else:
        term, org, text = "child-protection", world.ppapp, "Konseling psikologis anak."
    case_services.service_delivery_record(
        actor=_partner_user(world, story, org_pk),
        case=_case(story),
        service_type=world.terms[term],
        organization=org,
        delivered_on=timezone.localdate(),
        description=text,
    )


def step_action_done(world: DemoWorld, story: CaseStory, org_pk: Any) -> None:
    for action in _actions(story, org_pk):
        case_services.plan_action_set_status(
            actor=_partner_user(world, story, org_pk), action=action, status=PlanAction.Status.DONE
        )


def step_placement_review(world: DemoWorld, story: CaseStory, _arg: Any) -> None:
    task = (
        _case(story).tasks.filter(kind=CaseTask.Kind.PLACEMENT_REVIEW, done_at__isnull=True).first()
    )
    if task is not None:
        case_services.case_task_complete(actor=story.demo.worker, task=task)


def step_review(world: DemoWorld, story: CaseStory, _arg: Any) -> None:
    _move(story, S.REVIEW)
    story.review = case_services.assessment_save(
        actor=story.demo.worker, case=_case(story), kind="review", data=REVIEW
    )
    case_services.assessment_submit(actor=story.demo.worker, assessment=story.review)


def step_review_approve(world: DemoWorld, story: CaseStory, _arg: Any) -> None:
    case_services.assessment_approve(
        actor=world.supervisor, assessment=story.review, note="Hasil peninjauan diterima."
    )


def step_lower_risk(world: DemoWorld, story: CaseStory, _arg: Any) -> None:
    case_services.case_set_risk(
        actor=story.demo.worker,
        case=_case(story),
        level=story.final_risk,
        reason="Hasil peninjauan: anak aman dan keluarga mampu mengasuh.",
    )


def step_resume(world: DemoWorld, story: CaseStory, _arg: Any) -> None:
    _move(story, S.IMPLEMENTATION)


def step_reintegrate(world: DemoWorld, story: CaseStory, _arg: Any) -> None:
    _move(story, S.REINTEGRATION)


def step_leave_placement(world: DemoWorld, story: CaseStory, _arg: Any) -> None:
    if story.placement is None:
        return
    case_services.placement_end(
        actor=story.demo.worker,
        placement=story.placement,
        end_date=timezone.localdate(),
        reason="Anak kembali ke keluarga setelah reunifikasi.",
    )


def step_close_request(world: DemoWorld, story: CaseStory, _arg: Any) -> None:
    reason = story.rng.choice(
        [ClosureReason.GOALS_MET, ClosureReason.GOALS_MET, ClosureReason.FAMILY_DECLINES]
    )
    case_services.case_close_request(
        actor=story.demo.worker,
        case=_case(story),
        reason=reason,
        note="Tujuan rencana tercapai; anak aman bersama keluarga.",
    )


def step_close_approve(world: DemoWorld, story: CaseStory, _arg: Any) -> None:
    case_services.case_close_approve(actor=world.supervisor, case=_case(story))


def step_aftercare(world: DemoWorld, story: CaseStory, _arg: Any) -> None:
    _move(story, S.AFTERCARE)


def step_reopen(world: DemoWorld, story: CaseStory, _arg: Any) -> None:
    _move(story, S.REOPENED, "Anak kembali terlihat di titik rawan; laporan warga.")


STEPS = {
    "register": step_register,
    "open": step_open,
    "contact": step_contact,
    "confirm": step_confirm,
    "initial_start": step_initial_start,
    "initial_submit": step_initial_submit,
    "initial_approve": step_initial_approve,
    "urgent": step_urgent,
    "full_start": step_full_start,
    "full_submit": step_full_submit,
    "full_approve": step_full_approve,
    "consents": step_consents,
    "plan_draft": step_plan_draft,
    "plan_submit": step_plan_submit,
    "plan_approve": step_plan_approve,
    "implement": step_implement,
    "place": step_place,
    "visit": step_visit,
    "partner_visit": step_partner_visit,
    "action_done": step_action_done,
    "placement_review": step_placement_review,
    "review": step_review,
    "review_approve": step_review_approve,
    "lower_risk": step_lower_risk,
    "resume": step_resume,
    "reintegrate": step_reintegrate,
    "leave_placement": step_leave_placement,
    "close_request": step_close_request,
    "close_approve": step_close_approve,
    "aftercare": step_aftercare,
    "reopen": step_reopen,
}
