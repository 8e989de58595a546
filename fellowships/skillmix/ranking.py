"""Who to train next: a team's person and competency pairs, ranked by the gap training closes.

Candidates: everyone in post in the team, for every competency the team has demand for, that
they are not competent in today and no fellowship is already forecast to give them.

For each pair (all from a baseline and a projection, plus five queries for the team):

- **gap closed**: minutes a week of demand the person would cover once competent: their
  ``WTE x full-time hours x 60 x clinical fraction`` a week, capped at the demand left uncovered
  in the projection's worst month (expiries and leavers included);
- **flags removed**: open or acknowledged flags that training would clear: the person's own
  "practice without a valid sign-off" for that competency; the team's "single point of
  failure" (a second competent person); the team's "capacity gap" when the new competent WTE
  brings coverage up to the threshold;
- **post requires it**: a post requirement of the person's post names the competency;
- **readiness** (the rule, documented): a person is *ready* when they hold every prerequisite:
  (1) the matching programme's required competency (``Programme.prerequisite``), and (2) every
  competency before it in the same framework and under the same parent (lower sort order), the
  way a framework lists "diagnostic scan" before "guided injection". A verified level below the
  one the map asks counts as a head start ("holds Novice");
- **supervisor capacity** on a matching programme (a published programme with a competency
  sign-off for it): places left with the people who supervise on it now, plus competent
  members of the team who could, each ``capacity_left`` (the enrolment rule, reused);
- **cost**: the matching programme's cost, when it has one.

Order: pairs that close a gap or remove a flag first; then more flags removed, more minutes
covered, the post requires it, ready before not ready, cheaper first, then by name.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from competencies.models import Attainment, Competency, Flag, PostRequirement
from fellowships.enrolments.rules import capacity_left
from fellowships.models import Enrolment, Milestone, Programme
from fellowships.policies import current_supervision
from fellowships.skillmix.coverage import ZERO, Baseline, is_competent
from fellowships.skillmix.projection import Projection
from ksf.models import PostAssignment

FLAG_KINDS = (Flag.Kind.UNVERIFIED_PRACTICE, Flag.Kind.SINGLE_POINT, Flag.Kind.CAPACITY_GAP)
LIVE = (Flag.Status.OPEN, Flag.Status.ACKNOWLEDGED)


@dataclass
class Candidate:
    staff_id: int
    name: str
    band: str
    wte: Decimal
    competency_id: int
    competency: str
    framework: str
    minutes_closed: Decimal
    flags_removed: list[str] = field(default_factory=list)  # flag kinds
    required: bool = False
    ready: bool = True
    missing: list[str] = field(default_factory=list)  # prerequisites not held
    held_level: str = ""  # a level below the one asked, when held
    programme_id: int | None = None
    programme: str = ""
    places: int | None = None  # supervisor places left on the programme
    cost: Decimal | None = None

    @property
    def key(self) -> str:
        return f"{self.staff_id}-{self.competency_id}"

    @property
    def sort_key(self):
        far = Decimal("1e12")
        return (
            not (self.minutes_closed > 0 or self.flags_removed),
            -len(self.flags_removed),
            -self.minutes_closed,
            not self.required,
            not self.ready,
            self.cost if self.cost is not None else far,
            self.name,
            self.competency,
        )


def _programmes(competency_ids: set[int]) -> dict[int, Programme]:
    """Competency -> the published programme that signs it off (the cheapest, if several)."""
    by_competency: dict[int, Programme] = {}
    rows = (
        Milestone.objects.filter(
            kind=Milestone.Kind.COMPETENCY,
            competency_id__in=competency_ids,
            programme__in=Programme.objects.published(),
        )
        .select_related("programme")
        .order_by("programme__cost", "programme__title", "pk")
    )
    for m in rows:
        by_competency.setdefault(m.competency_id, m.programme)
    return by_competency


def _places(b: Baseline, team_id: int, programmes: dict[int, Programme]) -> dict[int, int]:
    """Programme -> supervisor places left (current supervisors, and competent team members)."""
    if not programmes:
        return {}
    today = b.today
    progs = {p.pk: p for p in programmes.values()}
    codes = {p.code: p.pk for p in progs.values()}
    current: dict[tuple[int, int], set] = defaultdict(set)  # (programme, supervisor) -> fellows
    for s in (
        current_supervision(today)
        .filter(enrolment__status__in=Enrolment.OPEN, enrolment__programme__code__in=codes)
        .values("supervisor_id", "enrolment_id", "enrolment__programme__code")
    ):
        current[(codes[s["enrolment__programme__code"]], s["supervisor_id"])].add(s["enrolment_id"])
    load: dict[int, int] = defaultdict(int)  # supervisor -> fellows on any programme
    for (_, sup), fellows in current.items():
        load[sup] += len(fellows)
    granted_by = {p.pk: c for c, p in programmes.items()}
    could: dict[int, set[int]] = defaultdict(set)
    for m in b.assignments:
        if m.team_id == team_id and not m.hypothetical:
            for pid, cid in granted_by.items():
                if is_competent(b, m.staff_id, cid, today):
                    could[pid].add(m.staff_id)
    people = {sup for _, sup in current} | {s for v in could.values() for s in v}
    wte: dict[int, Decimal] = defaultdict(Decimal)
    for a in (
        PostAssignment.objects.current(today).filter(staff_id__in=people).values("staff_id", "wte")
    ):
        wte[a["staff_id"]] += a["wte"]
    places = {}
    for pid, p in progs.items():
        sups = {sup for (q, sup) in current if q == pid} | could.get(pid, set())
        places[pid] = sum(
            capacity_left(
                current=load.get(s, 0), capacity_per_wte=p.supervisor_capacity, wte=wte[s]
            )
            for s in sups
        )
    return places


def rank(b: Baseline, projection: Projection, team_id: int, limit: int = 50) -> list[Candidate]:
    """The ranked pairs for one team (see the module's words)."""
    lines = [x for x in projection.lines if x.team_id == team_id]
    if not lines:
        return []
    members = [m for m in b.assignments if m.team_id == team_id and m.in_post_on(b.today)]
    if not members:
        return []
    competency_ids = {x.competency_id for x in lines}
    staff_ids = {m.staff_id for m in members if not m.hypothetical}
    mpw = b.minutes_per_wte_week

    flags = defaultdict(list)
    for f in Flag.objects.filter(
        team_id=team_id, kind__in=FLAG_KINDS, status__in=LIVE, competency_id__in=competency_ids
    ).values("kind", "staff_id", "competency_id"):
        flags[f["competency_id"]].append(f)
    required = set(
        PostRequirement.objects.filter(
            post_id__in={m.post_id for m in members if m.post_id}, competency_id__in=competency_ids
        ).values_list("post_id", "competency_id")
    )
    # the frameworks' earlier siblings, for the readiness rule
    # parent -> (pk, sort order, code, short name)
    siblings: dict[int, list[tuple[int, int, str, str]]] = defaultdict(list)
    parents = {b.parents.get(c) for c in competency_ids} - {None}
    for sib in (
        Competency.objects.filter(parent_id__in=parents)
        .order_by("sort_order", "pk")
        .values("pk", "parent_id", "sort_order", "code", "idnumber", "short_name")
    ):
        siblings[sib["parent_id"]].append(
            (sib["pk"], sib["sort_order"], sib["code"] or sib["idnumber"], sib["short_name"])
        )
    programmes = _programmes(competency_ids)
    prereq_ids = {p.prerequisite_id for p in programmes.values() if p.prerequisite_id}
    prereq_ids |= {s[0] for v in siblings.values() for s in v}
    held: set[tuple[int, int]] = set()
    if staff_ids and prereq_ids:
        held = {
            (a["staff_id"], a["competency_id"])
            for a in Attainment.objects.filter(
                staff_id__in=staff_ids,
                competency_id__in=prereq_ids,
                status=Attainment.Status.VERIFIED,
                verified_on__lte=b.today,
            ).values("staff_id", "competency_id", "expires_on")
            if a["expires_on"] is None or a["expires_on"] > b.today
        }
    held |= {(s, c) for (s, c) in b.holdings if b.holdings[(s, c)].valid_on(b.today)}
    names = {
        c["pk"]: f"{c['code'] or c['idnumber']} {c['short_name']}".strip()
        for c in Competency.objects.filter(
            pk__in={p.prerequisite_id for p in programmes.values() if p.prerequisite_id}
        ).values("pk", "code", "idnumber", "short_name")
    }
    places = _places(b, team_id, programmes)
    expected = {(f.staff_id, f.competency_id) for f in b.future}

    out: list[Candidate] = []
    for line in lines:
        c = line.competency_id
        worst_gap = max((p.demand - p.competent for p in line.points), default=ZERO)
        uncovered = max(ZERO, worst_gap) * mpw
        competent_now = [m for m in members if is_competent(b, m.staff_id, c, b.today)]
        now = line.points[0]
        parent = b.parents.get(c)
        family = siblings.get(parent, []) if parent is not None else []
        my_order = next((s[1] for s in family if s[0] == c), None)
        earlier = [s for s in family if my_order is not None and s[1] < my_order and s[0] != c]
        programme = programmes.get(c)
        for m in members:
            if (m.staff_id, c) in expected or is_competent(b, m.staff_id, c, b.today):
                continue
            removed = []
            for f in flags.get(c, []):
                own = f["kind"] == Flag.Kind.UNVERIFIED_PRACTICE and f["staff_id"] == m.staff_id
                second = f["kind"] == Flag.Kind.SINGLE_POINT and len(competent_now) == 1
                enough = (
                    f["kind"] == Flag.Kind.CAPACITY_GAP
                    and bool(now.demand)
                    and (now.competent + m.wte) / now.demand >= b.threshold
                )
                if own or second or enough:
                    removed.append(f["kind"])
            missing = [
                f"{code} {short}".strip()
                for pk, _, code, short in earlier
                if (m.staff_id, pk) not in held
            ]
            prerequisite = programme.prerequisite_id if programme else None
            if prerequisite and (m.staff_id, prerequisite) not in held:
                missing.insert(0, names.get(prerequisite, ""))
            h = b.holdings.get((m.staff_id, c))
            out.append(
                Candidate(
                    staff_id=m.staff_id,
                    name=m.name,
                    band=m.band,
                    wte=m.wte,
                    competency_id=c,
                    competency=line.label,
                    framework=line.framework,
                    minutes_closed=min(uncovered, m.wte * mpw).quantize(Decimal("1")),
                    flags_removed=sorted(set(removed)),
                    required=(m.post_id, c) in required,
                    ready=not missing,
                    missing=missing,
                    held_level=h.level_name if h is not None and h.valid_on(b.today) else "",
                    programme_id=programme.pk if programme else None,
                    programme=programme.title if programme else "",
                    places=places.get(programme.pk) if programme else None,
                    cost=programme.cost if programme else None,
                )
            )
    out.sort(key=lambda x: x.sort_key)
    return out[:limit]
