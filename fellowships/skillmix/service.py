"""The service view: every team of a service side by side, in a fixed number of queries.

For each team: WTE by band and headcount (current post assignments), vacancies (the funded
establishment less the WTE of each post's current assignments in the team, never below
nought), coverage of each key competency (a competency the service has demand for), open flags
by kind, development reviews overdue, and the fellows in training with when they are forecast
to finish. Figures only: no one's development record is named, so a service lead reads the
capacity they answer for (as ``ksf.policies.TeamPolicy`` says) and nothing more.

The number of queries does not grow with the number of teams or people: each figure is one
grouped query over all the teams at once, and coverage is ``fellowships.skillmix.coverage``.
"""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, QuerySet, Sum
from django.http import Http404

from competencies.models import Flag, FlagSettings
from fellowships.models import Enrolment
from fellowships.skillmix import coverage as engine
from fellowships.skillmix.matrix import natural
from ksf.models import Band, Establishment, PostAssignment, Service, StaffMember, Team
from ksf.models.choices import BAND_ORDER
from ksf.reviews.selectors import reviews_due

ZERO = Decimal("0")
#: key competencies the service page shows at most (those short by the most WTE across the
#: teams); the board workbook has them all
KEYS_ON_PAGE = 20
WORKFORCE_PERMISSION = "ksf.view_workforce_team"


def services_visible_to(user: User | AnonymousUser) -> QuerySet[Service]:
    """The services whose view ``user`` may open: those they lead, or all for holders of the
    model-wide workforce permission (administrators). A team lead sees their own team's
    matrix, not the service's other teams, as ``ksf.policies.TeamPolicy`` says."""
    if not (user.is_authenticated and user.is_active):
        return Service.objects.none()
    services = Service.objects.order_by("name")
    if user.has_perm(WORKFORCE_PERMISSION):
        return services
    return services.filter(lead__user=user)


def service_or_404(user: User | AnonymousUser, pk: int) -> Service:
    service = services_visible_to(user).filter(pk=pk).first()
    if service is None:
        raise Http404("No such service")
    return service


def teams_of(services) -> QuerySet[Team]:
    return (
        Team.objects.filter(service__in=[s.pk for s in services])
        .select_related("service", "site")
        .order_by("service__name", "name")
    )


@dataclass(frozen=True)
class Fellow:
    """A fellow in training in the team: the programme and when they should finish."""

    programme: str
    finishes_on: datetime.date | None
    target_date: datetime.date


@dataclass(frozen=True)
class Cover:
    """A team's competent WTE against its demand for one competency."""

    competent_wte: Decimal
    demand_wte: Decimal
    ratio: Decimal | None
    below: bool  # below the board's capacity threshold


@dataclass
class TeamColumn:
    team: Team
    wte_by_band: dict[str, Decimal] = field(default_factory=dict)
    headcount: int = 0
    wte: Decimal = ZERO
    funded_wte: Decimal = ZERO
    vacancies: Decimal = ZERO
    flags: dict[str, int] = field(default_factory=dict)
    reviews_overdue: int = 0
    fellows: list[Fellow] = field(default_factory=list)
    cover: dict[int, Cover] = field(default_factory=dict)
    # In the board's order, for a table: (band, WTE), (kind, count), a Cover or None.
    band_cells: list[tuple[str, Decimal]] = field(default_factory=list)
    flag_cells: list[tuple[str, int]] = field(default_factory=list)
    cover_cells: list[Cover | None] = field(default_factory=list)
    cover_html: str = ""  # the coverage cells as the page shows them (the view builds it)

    def lay_out(self, bands, kinds, keys) -> None:
        self.band_cells = [(b, self.wte_by_band.get(b, ZERO)) for b, _label in bands]
        self.flag_cells = [(k, self.flags.get(k, 0)) for k, _label in kinds]
        self.cover_cells = [self.cover.get(k.pk) for k in keys]

    @property
    def open_flags(self) -> int:
        return sum(self.flags.values())

    @property
    def below_threshold(self) -> int:
        return sum(1 for c in self.cover.values() if c.below)


@dataclass(frozen=True)
class KeyCompetency:
    pk: int
    idnumber: str
    name: str
    framework: str


@dataclass
class ServiceBoard:
    today: datetime.date
    threshold: Decimal
    teams: list[TeamColumn]
    bands: list[tuple[str, str]]  # (band, label) that any team has, in band order
    kinds: list[tuple[str, str]]  # flag kinds (value, label)
    key_competencies: list[KeyCompetency]
    #: key competencies with demand left out by ``most_keys`` (the shortest are kept)
    keys_left_out: int = 0

    @property
    def totals(self) -> TeamColumn:
        """The service's own column: the sums of every team's figures."""
        total = TeamColumn(team=None)  # type: ignore[arg-type]
        for col in self.teams:
            for band, wte in col.wte_by_band.items():
                total.wte_by_band[band] = total.wte_by_band.get(band, ZERO) + wte
            for kind, n in col.flags.items():
                total.flags[kind] = total.flags.get(kind, 0) + n
            total.headcount += col.headcount
            total.wte += col.wte
            total.funded_wte += col.funded_wte
            total.vacancies += col.vacancies
            total.reviews_overdue += col.reviews_overdue
            total.fellows.extend(col.fellows)
        total.lay_out(self.bands, self.kinds, [])
        return total


def board(
    teams: Sequence[Team],
    today: datetime.date,
    *,
    base: engine.Baseline | None = None,
    most_keys: int | None = None,
) -> ServiceBoard:
    """Every figure of the service view for ``teams`` (already filtered by the policy);
    ``base``, the teams' baseline if the caller has read it already; ``most_keys``, at most
    that many key competencies: those whose teams are short by the most WTE in all."""
    columns = {t.pk: TeamColumn(team=t) for t in teams}
    ids = list(columns)
    settings = FlagSettings.load()
    bands_seen: set[str] = set()
    if ids:
        _staffing(columns, ids, today, bands_seen)
        _vacancies(columns, ids, today)
        _flags(columns, ids)
        _reviews_and_fellows(columns, ids, today)
    keys = _coverage(columns, ids, today, settings.capacity_threshold, base) if ids else []
    left_out = 0
    if most_keys is not None and len(keys) > most_keys:
        short = _shortfall(columns.values(), settings.capacity_threshold)
        kept = {k.pk for k in sorted(keys, key=lambda k: -short.get(k.pk, ZERO))[:most_keys]}
        left_out = len(keys) - most_keys
        keys = [k for k in keys if k.pk in kept]
    labels = dict(Band.choices)
    result = ServiceBoard(
        today=today,
        threshold=settings.capacity_threshold,
        teams=list(columns.values()),
        bands=[(b, str(labels[b])) for b in sorted(bands_seen, key=BAND_ORDER.__getitem__)],
        kinds=[(value, str(label)) for value, label in Flag.Kind.choices],
        key_competencies=keys,
        keys_left_out=left_out,
    )
    for col in result.teams:
        col.lay_out(result.bands, result.kinds, keys)
    return result


def _shortfall(columns, threshold: Decimal) -> dict[int, Decimal]:
    """Competency -> the WTE its teams lack to reach the threshold, added up over the teams."""
    short: dict[int, Decimal] = defaultdict(Decimal)
    for col in columns:
        for pk, cover in col.cover.items():
            short[pk] += max(ZERO, cover.demand_wte * threshold - cover.competent_wte)
    return short


def _current(ids: list[int], today: datetime.date):
    return PostAssignment.objects.current(today).filter(team_id__in=ids).order_by()


def _staffing(columns, ids, today, bands_seen: set[str]) -> None:
    for row in (
        _current(ids, today)
        .values("team_id", "post__band")
        .annotate(wte=Sum("wte"), people=Count("staff_id", distinct=True))
    ):
        col = columns[row["team_id"]]
        col.wte_by_band[row["post__band"]] = row["wte"] or ZERO
        col.wte += row["wte"] or ZERO
        bands_seen.add(row["post__band"])
    for row in _current(ids, today).values("team_id").annotate(n=Count("staff_id", distinct=True)):
        columns[row["team_id"]].headcount = row["n"]


def _vacancies(columns, ids, today) -> None:
    filled: dict[tuple[int, int], Decimal] = {
        (r["team_id"], r["post_id"]): r["wte"] or ZERO
        for r in _current(ids, today).values("team_id", "post_id").annotate(wte=Sum("wte"))
    }
    for team_id, post_id, funded in Establishment.objects.filter(team_id__in=ids).values_list(
        "team_id", "post_id", "funded_wte"
    ):
        col = columns[team_id]
        col.funded_wte += funded
        col.vacancies += max(ZERO, funded - filled.get((team_id, post_id), ZERO))


def _flags(columns, ids) -> None:
    for row in (
        Flag.objects.filter(team_id__in=ids, status=Flag.Status.OPEN)
        .order_by()
        .values("team_id", "kind")
        .annotate(n=Count("pk"))
    ):
        columns[row["team_id"]].flags[row["kind"]] = row["n"]


def _reviews_and_fellows(columns, ids, today) -> None:
    from fellowships.selectors import progress_for

    teams_of: dict[int, set[int]] = defaultdict(set)
    for staff_id, team_id in _current(ids, today).values_list("staff_id", "team_id").distinct():
        teams_of[staff_id].add(team_id)
    if not teams_of:
        return
    # the people as a subquery, not a list of ids: a service of 750 people would otherwise
    # send (and parse) three lists of 750 parameters
    in_post = StaffMember.objects.filter(pk__in=_current(ids, today).values("staff_id"))
    due = reviews_due(in_post, today)
    for staff_id, review in due.items():
        if review.overdue:
            for team_id in teams_of[staff_id]:
                columns[team_id].reviews_overdue += 1
    enrolments = list(
        Enrolment.objects.filter(staff__in=in_post, status__in=Enrolment.OPEN)
        .select_related("programme")
        .order_by("target_date", "pk")
    )
    progress = progress_for(enrolments, today)
    for e in enrolments:
        p = progress.get(e.pk)
        fellow = Fellow(
            programme=e.programme.title,
            finishes_on=p.forecast.forecast_date if p else None,
            target_date=e.target_date,
        )
        for team_id in teams_of[e.staff_id]:
            columns[team_id].fellows.append(fellow)


def _coverage(columns, ids, today, threshold: Decimal, base=None) -> list[KeyCompetency]:
    base = base or engine.baseline(ids, today, practised=False, projecting=False)
    found = engine.coverage(base, today)
    keys: set[int] = set()
    for (team_id, competency_id), (competent, demand, ratio) in found.items():
        if not demand or team_id not in columns:
            continue
        keys.add(competency_id)
        columns[team_id].cover[competency_id] = Cover(
            competent_wte=competent,
            demand_wte=demand,
            ratio=ratio,
            below=ratio is not None and ratio < threshold,
        )
    listed = []
    for pk in keys:
        idnumber, name, framework = base.competencies.get(pk, ("", str(pk), ""))
        listed.append(KeyCompetency(pk, idnumber, name, framework))
    return sorted(listed, key=lambda k: (k.framework.lower(), natural(k.idnumber), k.name))
