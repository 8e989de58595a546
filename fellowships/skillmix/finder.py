"""Find a competent clinician for a referral (a selector: it reads, and books nothing).

A case manager's referral names the competencies it needs, where the patient is to be seen
(a site, or a team's base), optionally the date, and the hours the assessment and report
will take. The answer lists every clinician the user may see who holds a valid sign-off for
all of those competencies on that date, with:

- their recent caseload: contact hours a week over the last 12 weeks (attended contacts,
  summed in the database), against their contracted hours (WTE x the full-time hours in the
  flag settings) and the clinical share of those hours;
- their base and its distance from the referral's site (haversine, from the sites'
  coordinates; a site without coordinates sorts last);
- a costing line: the hours times the hourly cost of their band (``ksf.BandCost``), or a
  plain statement that the band has no cost set.

Valid means what the flags mean by it: verified, ``verified_on <= day < expires_on``, at a
level at or above the framework's first proficient scale value.

Sorted nearest first, then by most room in the clinical week, then by name. The number of
queries is fixed (settings, candidates, their sign-offs, their caseload, the band costs)
whatever the number of people found.
"""

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from competencies.models import Attainment, Competency, Contact, FlagSettings, ScaleValue
from competencies.models.activity import Attendance
from fellowships.skillmix.finder_policies import searchable_q
from ksf import dates
from ksf.models import BandCost, CareSite, PostAssignment
from ksf.models.choices import BAND_ORDER

CASELOAD_WEEKS = 12
EARTH_RADIUS_KM = 6371.0088
PENNY = Decimal("0.01")
TENTH = Decimal("0.1")

AnyUser = User | AnonymousUser


@dataclass(frozen=True)
class Need:
    """What the referral asks for."""

    competency_ids: tuple[int, ...]
    site: CareSite  # where the patient is to be seen
    on: datetime.date  # the day the sign-offs must be valid on
    assessment_hours: Decimal
    report_hours: Decimal

    @property
    def hours(self) -> Decimal:
        return self.assessment_hours + self.report_hours


@dataclass(frozen=True)
class Costing:
    band: str
    hourly_cost: Decimal | None  # None: no cost set for the band
    assessment: Decimal | None
    report: Decimal | None
    total: Decimal | None

    @property
    def known(self) -> bool:
        return self.hourly_cost is not None


@dataclass(frozen=True)
class Holding:
    competency_id: int
    name: str
    level: str
    expires_on: datetime.date | None


@dataclass
class Candidate:
    staff_id: int
    staff_number: str
    name: str
    band: str
    profession: str
    wte: Decimal
    teams: list[str]
    site_name: str
    distance_km: float | None  # None: their site or the referral's has no coordinates
    contact_hours_week: Decimal
    contracted_hours_week: Decimal
    clinical_hours_week: Decimal
    costing: Costing
    holdings: list[Holding] = field(default_factory=list)

    @property
    def room_hours_week(self) -> Decimal:
        """Clinical hours a week not taken by recent contacts (negative: over)."""
        return self.clinical_hours_week - self.contact_hours_week

    @property
    def over_hours_week(self) -> Decimal:
        """Hours a week by which recent contacts exceed the clinical week (0 if they do not)."""
        return max(Decimal(0), -self.room_hours_week)

    @property
    def caseload_percent(self) -> int | None:
        """Contact hours as a share of contracted hours."""
        if not self.contracted_hours_week:
            return None
        share = self.contact_hours_week * 100 / self.contracted_hours_week
        return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))

    @property
    def valid_until(self) -> datetime.date | None:
        """The first day one of the needed sign-offs lapses (None: none expires)."""
        ends = [h.expires_on for h in self.holdings if h.expires_on]
        return min(ends) if ends else None


@dataclass
class Result:
    need: Need
    candidates: list[Candidate]
    caseload_since: datetime.date
    caseload_until: datetime.date
    full_time_hours: Decimal
    clinical_fraction: Decimal
    bands_without_cost: list[str]
    site_has_coordinates: bool
    competencies: dict[int, str]

    @property
    def weeks(self) -> int:
        return CASELOAD_WEEKS


# --- choices for the search form --------------------------------------------------------------


def competency_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Competencies that can be held (the leaves of published frameworks), by framework, in
    one query."""
    rows = (
        Competency.objects.published()
        .filter(children__isnull=True)
        .select_related("framework")
        .order_by("framework__title", "framework_id", "sort_order", "pk")
    )
    groups: dict[str, list[tuple[int, str]]] = {}
    for c in rows:
        label = f"{c.code} {c.short_name}".strip() if c.code else c.short_name
        groups.setdefault(c.framework.title, []).append((c.pk, label))
    return list(groups.items())


def sites() -> QuerySet[CareSite]:
    return CareSite.objects.order_by("name")


# --- the search --------------------------------------------------------------------------------


def _valid_on(on: datetime.date, competency_ids) -> QuerySet[Attainment]:
    """Verified sign-offs valid on ``on`` at a proficient level, for these competencies."""
    proficient_at_or_below = ScaleValue.objects.filter(
        framework_id=OuterRef("value__framework_id"),
        proficient=True,
        sort_order__lte=OuterRef("value__sort_order"),
    )
    return Attainment.objects.filter(
        Q(expires_on__isnull=True) | Q(expires_on__gt=on),
        status=Attainment.Status.VERIFIED,
        competency_id__in=competency_ids,
        verified_on__lte=on,
    ).filter(Exists(proficient_at_or_below))


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The great-circle distance between two (latitude, longitude) points, in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def _point(site: CareSite) -> tuple[float, float] | None:
    if site.latitude is None or site.longitude is None:
        return None
    return float(site.latitude), float(site.longitude)


def _lasts(expires_on: datetime.date | None) -> datetime.date:
    return expires_on or datetime.date.max


def costing(band: str, cost: Decimal | None, need: Need) -> Costing:
    if cost is None:
        return Costing(band, None, None, None, None)
    assessment = (need.assessment_hours * cost).quantize(PENNY, rounding=ROUND_HALF_UP)
    report = (need.report_hours * cost).quantize(PENNY, rounding=ROUND_HALF_UP)
    return Costing(band, cost, assessment, report, assessment + report)


def find(user: AnyUser, need: Need, *, today: datetime.date | None = None) -> Result:
    """The clinicians the user may see with valid sign-offs for every competency needed."""
    today = today or dates.today()
    ids = tuple(sorted(set(need.competency_ids)))
    settings = FlagSettings.load()
    full_time = Decimal(settings.full_time_hours)
    fraction = Decimal(settings.clinical_fraction)
    since = today - datetime.timedelta(weeks=CASELOAD_WEEKS) + datetime.timedelta(days=1)

    valid = _valid_on(need.on, ids)
    holders = (
        valid.values("staff_id")
        .annotate(held=Count("competency_id", distinct=True))
        .filter(held=len(ids))
        .values("staff_id")
    )
    assignments = list(
        PostAssignment.objects.current(need.on)
        .filter(searchable_q(user), staff_id__in=holders)
        .select_related("staff", "team__site")
        .order_by("staff_id", "-wte", "pk")
    )
    staff_ids = {a.staff_id for a in assignments}
    holdings: dict[int, dict[int, Holding]] = defaultdict(dict)
    names: dict[int, str] = {}
    if staff_ids:
        for staff_id, competency_id, name, level, expires in valid.filter(
            staff_id__in=staff_ids
        ).values_list(
            "staff_id", "competency_id", "competency__short_name", "value__name", "expires_on"
        ):
            names[competency_id] = name
            held = holdings[staff_id].get(competency_id)
            # Of two valid sign-offs (a renewal), the one that lasts longer answers.
            if held is None or _lasts(expires) > _lasts(held.expires_on):
                holdings[staff_id][competency_id] = Holding(competency_id, name, level, expires)
    minutes = (
        dict(
            Contact.objects.filter(
                staff_id__in=staff_ids,
                attendance=Attendance.ATTENDED,
                contact_date__gte=since,
                contact_date__lte=today,
            )
            .values("staff_id")
            .annotate(total=Sum("duration_minutes"))
            .values_list("staff_id", "total")
        )
        if staff_ids
        else {}
    )
    costs = dict(BandCost.objects.values_list("band", "hourly_cost")) if staff_ids else {}

    origin = _point(need.site)
    by_person: dict[int, list[PostAssignment]] = defaultdict(list)
    for a in assignments:
        by_person[a.staff_id].append(a)
    candidates: list[Candidate] = []
    missing: set[str] = set()
    for staff_id, held_in in by_person.items():
        person = held_in[0].staff
        wte = min(sum((a.wte for a in held_in), Decimal(0)), Decimal("1.00"))

        def distance(a: PostAssignment) -> float | None:
            here = _point(a.team.site)
            return haversine_km(origin, here) if origin and here else None

        nearest = min(held_in, key=lambda a: (distance(a) is None, distance(a) or 0.0))
        contracted = (wte * full_time).quantize(TENTH, rounding=ROUND_HALF_UP)
        contact = (Decimal(minutes.get(staff_id) or 0) / 60 / CASELOAD_WEEKS).quantize(
            TENTH, rounding=ROUND_HALF_UP
        )
        cost = costs.get(person.band)
        if cost is None:
            missing.add(person.band)
        candidates.append(
            Candidate(
                staff_id=staff_id,
                staff_number=person.staff_number,
                name=person.full_name,
                band=person.band,
                profession=person.get_profession_display(),
                wte=wte,
                teams=sorted({a.team.name for a in held_in}),
                site_name=nearest.team.site.name,
                distance_km=distance(nearest),
                contact_hours_week=contact,
                contracted_hours_week=contracted,
                clinical_hours_week=(contracted * fraction).quantize(TENTH, ROUND_HALF_UP),
                costing=costing(person.band, cost, need),
                holdings=[holdings[staff_id][c] for c in ids if c in holdings[staff_id]],
            )
        )
    candidates.sort(
        key=lambda c: (
            c.distance_km is None,
            round(c.distance_km, 1) if c.distance_km is not None else 0.0,
            -c.room_hours_week,
            c.name,
        )
    )
    return Result(
        need=need,
        candidates=candidates,
        caseload_since=since,
        caseload_until=today,
        full_time_hours=full_time,
        clinical_fraction=fraction,
        bands_without_cost=sorted(missing, key=BAND_ORDER.__getitem__),
        site_has_coordinates=origin is not None,
        competencies=names,
    )
