"""Find a competent clinician (a portal search that reads and books nothing), and the admin
for its reference data: the band hourly costs and the funded establishment.

The search is for managers (Mona leads MSK North), service leads (Lee leads MSK's service)
and administrators; a clinician without management responsibility (Cara), the educator and
the supervisor are refused. It is a GET: a POST is answered 405 and writes nothing.
The admin lists and forms are the administrators' alone, as for the other organisation data.
"""

from decimal import Decimal

from tests.permission_matrix import ADMIN_ONLY, Rule, everyone

SEARCHERS = everyone(
    "denied", anonymous="login", manager="ok", service_lead="ok", administrator="ok"
)
GET_ONLY = everyone("method", anonymous="login")
ADMIN_REFUSED = everyone("denied", anonymous="login", administrator="refused")
ADMIN_WRITES = everyone("denied", anonymous="login", administrator="redirect")


def _reference_state(w, n, kw):
    from competencies.models import Attainment, Contact
    from ksf.models import BandCost, Establishment

    return (
        list(BandCost.objects.order_by("pk").values_list("pk", "band", "hourly_cost")),
        list(Establishment.objects.order_by("pk").values_list("pk", "funded_wte")),
        Attainment.objects.count(),
        Contact.objects.count(),
    )


def _sample(world, namespace: str):
    from ksf.models import BandCost, Establishment

    if namespace == "ksf_bandcost":
        return BandCost.objects.get_or_create(band="6", defaults={"hourly_cost": Decimal("27.35")})[
            0
        ]
    return Establishment.objects.get_or_create(
        team=world.team, post=world.post, defaults={"funded_wte": Decimal("2.00")}
    )[0]


def _pk(world, name: str) -> dict:
    namespace, _, action = name.partition(":")
    sample = _sample(world, namespace)
    if action in {"index", "index_results", "add"}:
        return {}
    return {"pk": sample.pk}


VIEWSETS = r"ksf_(bandcost|establishment)"

RULES = [
    Rule(
        r"finder:search",
        SEARCHERS,
        post=GET_ONLY,
        state=_reference_state,
        writes=False,
        note="managers, team and service leads, administrators; clinicians refused (403)",
    ),
    Rule(
        VIEWSETS + r":(index|index_results|history|history_results|usage|inspect)",
        ADMIN_ONLY,
        kwargs=_pk,
    ),
    Rule(
        VIEWSETS + r":(add|edit|copy)",
        ADMIN_ONLY,
        kwargs=_pk,
        post=ADMIN_REFUSED,
        state=_reference_state,
        note="an empty form is refused",
    ),
    Rule(
        VIEWSETS + r":delete",
        ADMIN_ONLY,
        kwargs=_pk,
        post=ADMIN_WRITES,
        state=_reference_state,
        note="nothing refers to a band cost or a funded post: the delete goes ahead",
    ),
]

EXTRA_CASES: list = []
