"""Load check: the portal under a real multi-process server, with readers, writers and conflicts.

Run: python -m tests.benchmarks.load [--database sqlite|postgres] [--workers 4] [--clients 20]
     [--writers 10] [--duration 60] [--writers-duration 30] [--pairs 30] [--conn-max-age 60]

Builds a fresh demo board (``manage.py demo --no-serve``) in a temporary SQLite file, or in a
PostgreSQL database it creates and drops (``--database postgres``, or when DATABASE_URL is a
postgres URL), collects the static files and serves the app with gunicorn on a free loopback
port, with production settings except TLS (tests/benchmarks/load_settings.py). Then:

1. ``--clients`` signed-in people (every demo role, through the sign-in form) open a mix of
   the portal pages their home page offers for ``--duration`` seconds while ``--writers``
   people add CPD entries through the form for ``--writers-duration`` seconds; no pauses;
2. ``--pairs`` times each, two saves sent at the same moment from pages opened at the same
   state: the same development review (the person and the reviewer; the reviewer in two
   windows; both adding a PDP objective), one sign-off request decided from two windows, and
   the person withdrawing a claim while the assessor verifies it.

Prints requests per second, latency percentiles (overall and per page), 5xx and other
unexpected answers, CPD writes accepted against the rows that reached the database, how the
loser of each conflict was answered, the errors the server logged, and a one-line verdict
against the goal (no 5xx, no lost writes, p95 under 500 ms on PostgreSQL). Asserts nothing;
exits 1 when the goal's correctness part was missed (5xx, lost or overwritten writes).

``--sqlite-default-journal`` runs SQLite as it was before WAL and IMMEDIATE transactions
(only ``timeout=20``), for a "before" figure.
"""

import argparse
import dataclasses
import datetime
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "demo-ksf-2026"
READER_ROLES = ["clinician", "manager", "educator", "supervisor", "servicelead", "admin"]
WRITER_ROLES = ["clinician", "manager", "educator", "supervisor", "servicelead"]
SEARCH_WORDS = ["shoulder", "prescribing", "ultrasound", "assessment", "injection", "audit", "x"]
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LINK_RE = re.compile(r'href="(/(?:portal|frameworks)/[^"#?]*)"')
ERROR_SUMMARY = "nhsuk-error-summary"


# --- Figures ---------------------------------------------------------------------------------


@dataclasses.dataclass
class Result:
    kind: str
    status: int  # 0: no answer (timeout, connection refused)
    seconds: float
    note: str = ""

    @property
    def expected(self) -> bool:
        """A page (200 once redirects are followed) or, for a CPD save, its redirect."""
        ok = 302 if self.kind == "CPD add (POST)" else 200
        return self.status == ok and self.note != "signed out"

    @property
    def answer(self) -> str:
        if not self.status:
            return f"no answer ({self.note})"
        return f"{self.status} ({self.note})" if self.note else str(self.status)


class Recorder:
    """Every answer, thread-safe, with a hard cap on how many requests may be sent."""

    def __init__(self, max_requests: int):
        self.max_requests = max_requests
        self.results: list[Result] = []
        self.sent = 0
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def may_send(self) -> bool:
        with self.lock:
            if self.stop.is_set() or self.sent >= self.max_requests:
                self.stop.set()
                return False
            self.sent += 1
            return True

    def add(self, result: Result) -> None:
        with self.lock:
            self.results.append(result)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.0f}"


# --- The server ------------------------------------------------------------------------------


@dataclasses.dataclass
class Server:
    env: dict[str, str]
    workdir: Path
    database: str  # "sqlite" or "postgres"
    label: str
    pg_admin_url: str = ""
    pg_name: str = ""
    process: subprocess.Popen | None = None
    base: str = ""

    def manage(self, *args: str, timeout: float = 600) -> str:
        done = subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def shell(self, code: str) -> str:
        """Run ``code`` in ``manage.py shell`` against the server's database; its stdout."""
        return self.manage("shell", "-v", "0", "-c", code)

    def cpd_rows(self) -> int:
        out = self.shell(
            "from competencies.models import CPDEntry; print(CPDEntry.objects.count())"
        )
        return int(out.strip().splitlines()[-1])

    @property
    def log_path(self) -> Path:
        return self.workdir / "server.log"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(args) -> Server:
    workdir = Path(tempfile.mkdtemp(prefix="ksf-load-"))
    url = os.environ.get("DATABASE_URL", "")
    database = args.database or ("postgres" if url.startswith(("postgres", "pgsql")) else "sqlite")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.benchmarks.load_settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "LOAD_STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "PRIVATE_MEDIA_ROOT": str(workdir / "private_media"),
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("LOAD_SQLITE_DEFAULT_JOURNAL", None)
    env["DB_CONN_MAX_AGE"] = str(args.conn_max_age)
    server = Server(env=env, workdir=workdir, database=database, label="")
    if database == "postgres":
        if not url.startswith(("postgres", "pgsql")):
            url = "postgres://postgres@127.0.0.1:5432/postgres"
        parts = urllib.parse.urlsplit(url)
        server.pg_name = f"ksf_load_{os.getpid()}_{secrets.token_hex(3)}"
        server.pg_admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
        env["DATABASE_URL"] = urllib.parse.urlunsplit(parts._replace(path=f"/{server.pg_name}"))
        _pg(server.pg_admin_url, "CREATE DATABASE {}", server.pg_name)
        server.label = f"PostgreSQL ({parts.hostname}:{parts.port or 5432}, fresh database)"
    else:
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'db.sqlite3'}"
        if args.sqlite_default_journal:
            env["LOAD_SQLITE_DEFAULT_JOURNAL"] = "1"
            server.label = "SQLite, as before WAL (rollback journal, deferred transactions)"
        else:
            server.label = "SQLite (WAL, IMMEDIATE transactions, busy timeout)"
    return server


def _pg(admin_url: str, statement: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL(statement).format(sql.Identifier(name)))


def build(server: Server) -> None:
    started = time.perf_counter()
    server.manage("demo", "--no-serve")
    server.manage("collectstatic", "--noinput", "-v", "0")
    print(f"Demo board built and static files collected in {time.perf_counter() - started:.0f} s.")


def start(server: Server, args) -> None:
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "cms.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--timeout",
        "120",
        "--pid",
        str(server.workdir / "gunicorn.pid"),
    ]
    if _gunicorn_has("--no-control-socket"):
        command.append("--no-control-socket")  # gunicorn 24+: none shared between runs
    with server.log_path.open("ab") as log:  # gunicorn's log and Django's, on stderr
        server.process = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=server.env, stdout=log, stderr=subprocess.STDOUT
        )
    server.base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{server.log_path.read_text()[-3000:]}")
        try:
            if requests.get(server.base + "/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def _gunicorn_has(option: str) -> bool:
    out = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--help"], capture_output=True, text=True, check=False
    )
    return option in out.stdout


def stop(server: Server) -> None:
    if server.process is not None and server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


def clean_up(server: Server, keep: bool) -> None:
    if server.pg_name:
        try:
            _pg(server.pg_admin_url, "DROP DATABASE IF EXISTS {} WITH (FORCE)", server.pg_name)
        except Exception as error:
            print(f"Could not drop database {server.pg_name}: {error}")
    if keep:
        print(f"Kept {server.workdir} (server.log, static files, SQLite file).")
    else:
        shutil.rmtree(server.workdir, ignore_errors=True)


def logged_errors(server: Server) -> Counter:
    """What the server logged going wrong: the exception that ended each traceback (for a
    chain, the last one raised), and the 503s the busy-database page answered."""
    found: Counter = Counter()
    if not server.log_path.exists():
        return found
    lines = [line for line in server.log_path.read_text(errors="replace").splitlines() if line]
    chained = ("The above exception", "During handling of the above exception")
    in_trace = False
    for i, line in enumerate(lines):
        if line.startswith("Traceback (most recent call last)"):
            in_trace = True
        elif "Database busy, answered 503" in line:
            found["503 page (busy): " + line.rsplit(": ", 1)[-1][:160]] += 1
        elif in_trace and not line.startswith((" ", "\t")):
            in_trace = False
            following = lines[i + 1] if i + 1 < len(lines) else ""
            if not following.startswith(chained):
                found[line[:200]] += 1
    return found


# --- Clients ---------------------------------------------------------------------------------


class Client:
    """One signed-in person: a requests session that records each answer."""

    def __init__(self, base: str, username: str, recorder: Recorder, timeout: float):
        self.base, self.username, self.recorder, self.timeout = base, username, recorder, timeout
        self.http = requests.Session()
        self.staff_number = ""
        self.pages: dict[str, list[str]] = {}

    def request(
        self, kind: str, method: str, path: str, *, record: bool = True, **kwargs
    ) -> requests.Response | None:
        if record and not self.recorder.may_send():
            return None
        started = time.perf_counter()
        try:
            response = self.http.request(method, self.base + path, timeout=self.timeout, **kwargs)
        except requests.RequestException as error:
            if record:
                self.recorder.add(
                    Result(kind, 0, time.perf_counter() - started, type(error).__name__)
                )
            return None
        elapsed = time.perf_counter() - started
        if record:
            note = ""
            if "/accounts/login/" in response.url and kind != "sign in":
                note = "signed out"
            self.recorder.add(Result(kind, response.status_code, elapsed, note))
        return response

    def sign_in(self) -> None:
        page = self.http.get(self.base + "/accounts/login/", timeout=self.timeout)
        token = CSRF_RE.search(page.text)
        response = self.http.post(
            self.base + "/accounts/login/",
            data={
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            timeout=self.timeout,
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"{self.username} could not sign in ({response.status_code})")

    def discover(self) -> None:
        """The pages this person's home page offers, by kind; a team page's own links too."""
        home = self.http.get(self.base + "/", timeout=self.timeout).text
        links = set(LINK_RE.findall(home))
        teams = sorted(u for u in links if re.fullmatch(r"/portal/teams/\d+/", u))
        if teams:
            team_page = self.http.get(self.base + teams[0], timeout=self.timeout).text
            links |= {u for u in LINK_RE.findall(team_page) if u.endswith("/development/")}
        frameworks = self.http.get(self.base + "/frameworks/", timeout=self.timeout).text
        framework_links = sorted(
            u for u in LINK_RE.findall(frameworks) if re.fullmatch(r"/frameworks/[^/]+/", u)
        )
        if framework_links:
            page = self.http.get(self.base + framework_links[0], timeout=self.timeout).text
            links |= {
                u for u in LINK_RE.findall(page) if re.fullmatch(r"/frameworks/[^/]+/[^/]+/", u)
            }
        links |= set(framework_links)
        own = re.search(r"/portal/people/(\w+)/cpd/", home)
        self.staff_number = own.group(1) if own else ""
        pages: dict[str, list[str]] = defaultdict(list)
        pages["home"].append("/")
        pages["frameworks"].append("/frameworks/")
        pages["framework search"].extend(f"/frameworks/?q={w}" for w in SEARCH_WORDS)
        for url in sorted(links):
            kind = classify(url, self.staff_number)
            if kind:
                pages[kind].append(url)
        self.pages = dict(pages)


def classify(url: str, own: str) -> str:
    person = re.fullmatch(r"/portal/people/(\w+)/(.*)", url)
    if person:
        number, rest = person.groups()
        kinds = {
            "": "staff record",
            "cpd/": "CPD log",
            "plan/": "development plan",
            "hcpc-profile/": "HCPC profile",
            "reviews/": "reviews list",
            "development/": "my development" if number == own else "someone's development",
        }
        return kinds.get(rest, "")
    rules = [
        (r"/portal/me/development/", "my development"),
        (r"/portal/teams/", "teams"),
        (r"/portal/teams/\d+/", "team page"),
        (r"/portal/teams/\d+/development/", "team development"),
        (r"/portal/posts/\d+/", "post outline"),
        (r"/portal/ksf/", "KSF dimensions"),
        (r"/portal/notifications/", "notifications"),
        (r"/portal/sign-offs/", "sign-off requests"),
        (r"/portal/reviews/\d+/", "review"),
        (r"/frameworks/[^/]+/", "framework"),
        (r"/frameworks/[^/]+/[^/]+/", "competency"),
    ]
    for pattern, kind in rules:
        if re.fullmatch(pattern, url):
            return kind
    return ""


def reader(client: Client, until: float, rng: random.Random) -> None:
    kinds = sorted(client.pages)
    while time.monotonic() < until and not client.recorder.stop.is_set():
        kind = rng.choice(kinds)
        client.request(kind, "GET", rng.choice(client.pages[kind]))


@dataclasses.dataclass
class Writes:
    accepted: int = 0
    refused: int = 0  # the form came back (e.g. a validation message)
    failed: int = 0  # 5xx or no answer
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)


def writer(client: Client, until: float, rng: random.Random, writes: Writes, run: str) -> None:
    add = f"/portal/people/{client.staff_number}/cpd/add/"
    accepted = re.compile(rf"/portal/people/{client.staff_number}/cpd/\d+/$")
    today = datetime.datetime.now(datetime.UTC).date()
    n = 0
    while time.monotonic() < until and not client.recorder.stop.is_set():
        form = client.request("CPD add form", "GET", add)
        if form is None or form.status_code != 200:
            continue
        token = CSRF_RE.search(form.text)
        n += 1
        data = {
            "csrfmiddlewaretoken": token.group(1) if token else "",
            "date": (today - datetime.timedelta(days=rng.randint(2, 600))).isoformat(),
            "title": f"Load check {run} {client.username} {n}",
            "activity_type": rng.choice(
                ["work_based", "professional", "formal", "self_directed", "other"]
            ),
            "hours": rng.choice(["0.5", "1", "1.5", "2", "3.25", "7.5"]),
            "description": "Read a paper on shoulder rehabilitation and discussed it at supervision.",
            "learning": "Loading programmes progress by symptom response.",
        }
        response = client.request("CPD add (POST)", "POST", add, data=data, allow_redirects=False)
        with writes.lock:
            if response is None:
                if not client.recorder.stop.is_set():
                    writes.failed += 1
            elif response.status_code == 302 and accepted.search(
                response.headers.get("Location", "")
            ):
                writes.accepted += 1
            elif response.status_code >= 500:
                writes.failed += 1
            else:
                writes.refused += 1


# --- Conflicts -------------------------------------------------------------------------------

CONFLICT_SETUP = """
import json
from django.utils import timezone
from competencies.frameworks.selectors import assessable_competencies
from competencies.models import Attainment
from ksf.models import DevelopmentReview, StaffMember

wanted = {pairs}
gareth = StaffMember.objects.get(user__username="manager")
review = DevelopmentReview.objects.filter(
    staff__user__username="clinician", reviewer=gareth, staff_signed_at__isnull=True
).order_by("-pk").first()
reports = list(
    StaffMember.objects.filter(assignments__line_manager=gareth).exclude(user__isnull=False).distinct()
)
competencies = list(assessable_competencies().select_related("framework"))
made = []
for person in reports:
    for competency in competencies:
        if len(made) >= wanted:
            break
        if Attainment.objects.filter(staff=person, competency=competency, status__in=Attainment.OPEN).exists():
            continue
        value = competency.framework.scale_values.filter(proficient=True).first()
        if value is None:
            continue
        made.append(Attainment.objects.create(
            staff=person, competency=competency, value=value, status=Attainment.Status.REQUESTED,
            assessor=gareth, requested_at=timezone.now(),
        ).pk)
ffion = StaffMember.objects.get(user__username="clinician")
own = []
for competency in competencies:
    if len(own) >= wanted:
        break
    if Attainment.objects.filter(staff=ffion, competency=competency, status__in=Attainment.OPEN).exists():
        continue
    value = competency.framework.scale_values.filter(proficient=True).first()
    if value is None:
        continue
    own.append([Attainment.objects.create(
        staff=ffion, competency=competency, value=value, status=Attainment.Status.REQUESTED,
        assessor=gareth, requested_at=timezone.now(),
    ).pk, competency.pk])
print(json.dumps({{"review": review.pk if review else None, "signoffs": made, "own": own}}))
"""

CLAIM_STATES = """
import json
from competencies.models import Attainment
rows = Attainment.objects.filter(pk__in={pks}).values_list("pk", "status", "decided_at")
print(json.dumps({{pk: [status, decided is not None] for pk, status, decided in rows}}))
"""


def form_data(html: str) -> dict[str, str]:
    """What a browser would send back from the page's first POST form, unchanged."""
    match = re.search(
        r'<form[^>]*method="post"(?![^>]*/accounts/logout/)[^>]*>(.*?)</form>', html, re.S
    )
    body = match.group(1) if match else html
    data: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*>", body):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or re.search(r'type="(checkbox|radio|file|submit)"', tag):
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = value.group(1) if value else ""
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', body, re.S):
        data[name] = text.strip()
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', body, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', options)
        data[name] = chosen.group(1) if chosen else ""
    return data


def _at_once(*posts) -> list[requests.Response | Exception]:
    """Send each (client, path, data) POST from its own thread, released together."""
    barrier = threading.Barrier(len(posts))
    answers: list[requests.Response | Exception] = [RuntimeError("not sent")] * len(posts)

    def send(i, client, path, data):
        barrier.wait()
        try:
            answers[i] = client.http.post(
                client.base + path, data=data, timeout=client.timeout, allow_redirects=False
            )
        except requests.RequestException as error:
            answers[i] = error

    threads = [threading.Thread(target=send, args=(i, *p)) for i, p in enumerate(posts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


def _outcome(answer, accepted: re.Pattern, refused) -> str:
    if isinstance(answer, Exception):
        return "no answer"
    if answer.status_code in (301, 302, 303) and accepted.search(answer.headers["Location"]):
        return "accepted"
    if answer.status_code >= 500:
        return f"{answer.status_code}"
    if refused(answer):
        return "refused"
    return f"other {answer.status_code}"


# What went wrong in a pair, if anything: the loser crashed, or both saves stood.
FIVE_XX, OVERWRITTEN = "5xx", "overwritten"


def _pair_verdict(outcomes: list[str]) -> tuple[str, str]:
    """A one-line verdict and what went wrong ("", FIVE_XX or OVERWRITTEN)."""
    if any(o[:1] == "5" or o == "no answer" for o in outcomes):
        return "a 5xx or no answer: " + "/".join(outcomes), FIVE_XX
    if outcomes.count("accepted") == 2:
        return "both accepted (one overwrote the other)", OVERWRITTEN
    if outcomes.count("accepted") == 1:
        loser = next(o for o in outcomes if o != "accepted")
        return ("loser refused, input kept" if loser == "refused" else f"loser got {loser}"), ""
    return "neither accepted: " + "/".join(outcomes), ""


def _shown_again(answer: requests.Response) -> bool:
    """The form came back with a message saying why (the user's input still in it)."""
    return answer.status_code == 200 and ERROR_SUMMARY in answer.text


def conflicts(server: Server, args, run: str) -> dict[str, Counter]:
    setup = json.loads(
        server.shell(CONFLICT_SETUP.format(pairs=args.pairs)).strip().splitlines()[-1]
    )
    recorder = Recorder(10**9)
    person = Client(server.base, "clinician", recorder, args.timeout)
    reviewer = Client(server.base, "manager", recorder, args.timeout)
    window = Client(server.base, "manager", recorder, args.timeout)  # the reviewer's 2nd window
    for c in (person, reviewer, window):
        c.sign_in()
    return {
        "development review": _review_pairs(setup["review"], person, reviewer, window, args, run)
        if setup["review"]
        else Counter(),
        "sign-off decision": _decision_pairs(setup["signoffs"][: args.pairs], reviewer, window),
        "withdrawal against decision": _withdraw_against_decision(
            server, setup["own"][: args.pairs], person, reviewer, args.timeout
        ),
    }


def _review_pairs(review: int, person, reviewer, window, args, run: str) -> Counter:
    """Two saves of the same review from pages opened at the same version, sent together.

    In turn: the person's preparation against the reviewer's assessment; the reviewer in two
    windows; and both people adding a PDP objective.
    """
    counts: Counter = Counter()
    accepted = re.compile(rf"/portal/reviews/{review}/(#pdp)?$")
    target = (datetime.datetime.now(datetime.UTC).date() + datetime.timedelta(days=120)).isoformat()
    for i in range(args.pairs):
        sides = [
            [(person, "prepare/"), (reviewer, "assess/")],
            [(reviewer, "assess/"), (window, "assess/")],
            [(person, "objectives/add/"), (reviewer, "objectives/add/")],
        ][i % 3]
        posts = []
        for n, (client, page) in enumerate(sides):
            path = f"/portal/reviews/{review}/{page}"
            data = form_data(client.http.get(client.base + path, timeout=args.timeout).text)
            words = f"Conflict {run} pair {i} side {n}"
            if page == "objectives/add/":
                data.update(
                    objective=f"{words}: lead a spinal audit",
                    gap="Audit and service improvement",
                    actions="Agree a standard, collect 30 records, present the findings.",
                    target_date=target,
                )
            else:
                data["summary"] = f"{words}: agreed the year went well."
            posts.append((client, path, data))
        counts[_pair_verdict([_outcome(a, accepted, _shown_again) for a in _at_once(*posts)])] += 1
    return counts


def _decision_pairs(pks: list[int], first, second) -> Counter:
    """The assessor decides one request from two windows at once: verify in one, decline in
    the other. Refused means the form came back saying why, or the page said it was decided."""
    counts: Counter = Counter()
    accepted = re.compile(r"/portal/sign-offs/$")
    for pk in pks:
        path = f"/portal/sign-offs/{pk}/"
        posts = []
        for client, decision, comment in (
            (first, "verify", ""),
            (second, "decline", "Please add an observed session as evidence."),
        ):
            data = form_data(client.http.get(client.base + path, timeout=client.timeout).text)
            data.update(decision=decision, comment=comment)
            posts.append((client, path, data))

        def refused(r, path=path):
            back = r.status_code == 302 and r.headers["Location"].endswith(path)
            return back or _shown_again(r)

        counts[_pair_verdict([_outcome(a, accepted, refused) for a in _at_once(*posts)])] += 1
    return counts


def _withdraw_against_decision(server, own, person, assessor, timeout) -> Counter:
    """The person withdraws a claim while the assessor verifies it: one of the two must lose.

    The withdraw page answers with a redirect whatever happened (the message is on the next
    page), so what happened is read from the database afterwards: a claim both verified and
    withdrawn lost its decision.
    """
    answers = {}
    for pk, competency in own:
        page = person.http.get(
            f"{person.base}/portal/me/competencies/{competency}/", timeout=timeout
        )
        token = CSRF_RE.search(page.text)
        decide = form_data(
            assessor.http.get(f"{assessor.base}/portal/sign-offs/{pk}/", timeout=timeout).text
        )
        decide.update(decision="verify", comment="")
        answers[pk] = _at_once(
            (
                person,
                f"/portal/me/claims/{pk}/withdraw/",
                {"csrfmiddlewaretoken": token.group(1) if token else ""},
            ),
            (assessor, f"/portal/sign-offs/{pk}/", decide),
        )
    states = json.loads(
        server.shell(CLAIM_STATES.format(pks=[pk for pk, _ in own])).strip().splitlines()[-1]
    )
    counts: Counter = Counter()
    for pk, pair in answers.items():
        codes = [0 if isinstance(a, Exception) else a.status_code for a in pair]
        status, decided = states[str(pk)]
        if any(c >= 500 or c == 0 for c in codes):
            counts["a 5xx or no answer: " + "/".join(map(str, codes)), FIVE_XX] += 1
        elif status == "withdrawn" and decided:
            counts["both accepted (the withdrawal overwrote the verification)", OVERWRITTEN] += 1
        elif status == "verified":
            counts["verified; the withdrawal was refused", ""] += 1
        elif status == "withdrawn":
            counts["withdrawn; the decision was refused", ""] += 1
        else:
            counts[f"left {status}", ""] += 1
    return counts


# --- Run -------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default=None)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--writers", type=int, default=10)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--writers-duration", type=float, default=30)
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument("--timeout", type=float, default=30, help="seconds per request")
    parser.add_argument("--pairs", type=int, default=30, help="simultaneous saves per conflict")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        help="seconds a worker keeps its database connection (DB_CONN_MAX_AGE; 0: per request)",
    )
    parser.add_argument("--sqlite-default-journal", action="store_true")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()

    server = prepare(args)
    failed = True
    try:
        build(server)
        start(server, args)
        failed = run(server, args)
    finally:
        stop(server)
        errors = logged_errors(server)
        if errors:
            print("\nErrors the server logged (last line of each traceback):")
            for line, count in errors.most_common(10):
                print(f"  {count:5d} x {line}")
        clean_up(server, args.keep)
    sys.exit(1 if failed else 0)


def run(server: Server, args) -> bool:
    rng = random.Random(args.seed)
    run_id = secrets.token_hex(3)
    recorder = Recorder(args.max_requests)
    readers = [
        Client(server.base, READER_ROLES[i % len(READER_ROLES)], recorder, args.timeout)
        for i in range(args.clients)
    ]
    writers = [
        Client(server.base, WRITER_ROLES[i % len(WRITER_ROLES)], recorder, args.timeout)
        for i in range(args.writers)
    ]
    for client in readers + writers:
        client.sign_in()
        client.discover()
    before = server.cpd_rows()
    writes = Writes()
    print(
        f"{server.label}, connections kept {args.conn_max_age} s; "
        f"gunicorn, {args.workers} workers x {args.threads} thread(s); "
        f"{os.cpu_count()} CPU cores (load average {os.getloadavg()[0]:.1f} before the run).\n"
        f"{args.clients} readers for {args.duration:.0f} s, {args.writers} CPD writers for "
        f"{args.writers_duration:.0f} s, at most {args.max_requests} requests, "
        f"{args.timeout:.0f} s timeout each."
    )
    started = time.monotonic()
    threads = [
        threading.Thread(
            target=reader, args=(c, started + args.duration, random.Random(rng.random()))
        )
        for c in readers
    ] + [
        threading.Thread(
            target=writer,
            args=(c, started + args.writers_duration, random.Random(rng.random()), writes, run_id),
        )
        for c in writers
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    after = server.cpd_rows()
    new_rows = after - before
    lost = writes.accepted - new_rows

    results = recorder.results
    latencies = sorted(r.seconds for r in results if r.status)
    five = sum(1 for r in results if r.status >= 500)
    print(
        f"\nRequests: {len(results)} in {elapsed:.1f} s = {len(results) / elapsed:.1f} per second"
    )
    print(
        f"Latency ms: p50 {ms(percentile(latencies, 50))}  p95 {ms(percentile(latencies, 95))}  "
        f"p99 {ms(percentile(latencies, 99))}  max {ms(max(latencies, default=0))}"
    )
    print(f"\n{'page':<24}{'n':>7}{'p50':>8}{'p95':>8}{'p99':>8}{'5xx':>6}{'other':>7}")
    by_kind: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        by_kind[r.kind].append(r)
    for kind in sorted(by_kind):
        rs = by_kind[kind]
        times = sorted(r.seconds for r in rs if r.status)
        k5 = sum(1 for r in rs if r.status >= 500)
        other = sum(1 for r in rs if r.status < 500 and not r.expected)
        print(
            f"{kind:<24}{len(rs):>7}{ms(percentile(times, 50)):>8}{ms(percentile(times, 95)):>8}"
            f"{ms(percentile(times, 99)):>8}{k5:>6}{other:>7}"
        )
    unexpected = Counter(f"{r.answer} on {r.kind}" for r in results if not r.expected)
    print(f"\n5xx answers: {five}")
    if unexpected:
        print("Unexpected answers: " + ", ".join(f"{k}: {n}" for k, n in unexpected.most_common()))
    print(
        f"CPD writes: {writes.accepted} accepted, {new_rows} new rows in the database "
        f"({before} -> {after}); lost: {lost}; form refused: {writes.refused}; "
        f"failed: {writes.failed}"
    )

    wrong: Counter = Counter()
    for what, counts in (conflicts(server, args, run_id) if args.pairs else {}).items():
        print(f"\nConflict, {what}: {sum(counts.values())} pairs sent at the same moment")
        for (verdict, problem), n in counts.most_common():
            print(f"  {n:4d}  {verdict}")
            wrong[problem] += n

    p95 = percentile(latencies, 95)
    fast = p95 < 0.5
    met = five + wrong[FIVE_XX] == 0 and lost == 0 and wrong[OVERWRITTEN] == 0
    where = "PostgreSQL" if server.database == "postgres" else "PostgreSQL; this is SQLite"
    print(
        f"\nVerdict: {'MET' if met and (fast or server.database != 'postgres') else 'NOT MET'}: "
        f"5xx {five} under load + {wrong[FIVE_XX]} in conflicts (goal 0); "
        f"CPD writes lost {lost} (goal 0); conflicts where both saves stood "
        f"{wrong[OVERWRITTEN]} (goal 0); p95 {p95 * 1000:.0f} ms "
        f"(goal under 500 ms on {where})"
    )
    return not met


if __name__ == "__main__":
    main()
