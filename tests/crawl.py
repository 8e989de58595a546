"""A bounded crawler for the portal: follow every link, submit every form empty and hostile.

Nothing here names a page. Pages are found by following links from where the crawl starts,
so a page added later is crawled as soon as something links to it; forms are found by
reading each page's HTML. Every response is checked for a server error (a 5xx, or an
exception the test client re-raises), a Django debug page, and hostile markup written out
unescaped; workbooks are checked for formulas. Every problem is collected, none stops the
crawl.

Each form is sent:

1. empty (only its CSRF token);
2. with every field hostile at once;
3. as a person would fill it in but with hostile text (script tags, attribute breakers,
   formulas) in the text fields, in a few variants, and once with only the fields marked
   required; these trials are rolled back, and show which input the form accepts;
4. with that accepted input and one other field made hostile at a time (impossible and
   extreme dates, out-of-range numbers, unknown choices, a fake file, a NUL in the text),
   so the value gets past the form's other checks to the service behind it; rolled back
   too, but where the form accepts it, the page it leads to is read first;
5. finally, whatever it accepted is sent again and kept, so the pages that show it later
   (and the second look at each kind of page once the forms are done) are checked too.

Addresses themselves are tried with hostile arguments (an id beyond any integer column,
markup, a NUL), once for each kind of page.

To stay quick, addresses are grouped by the view that answers them (the URL name with which
keyword arguments and query keys it has, or the Wagtail page type and route); only a few
addresses of each group are visited, and each form is sent once per group.
"""

from __future__ import annotations

import io
import re
import traceback
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import Http404
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from ksf import dates

# --- What is sent, and what must never come back ---------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://x","y")'
HOSTILE_TEXT = (SCRIPT, IMG, FORMULA)
CONTROL = "NUL\x00byte"  # PostgreSQL refuses NUL in text; SQLite stores it
HOSTILE_NUMBERS = ("-1", "1e309", "99999999999")
IMPOSSIBLE_DATE = "2025-02-30"
EXTREME_DATES = ("0001-01-01", "9999-12-31")
HOSTILE_DATES = (IMPOSSIBLE_DATE, *EXTREME_DATES)
HOSTILE_CHOICES = ("999999999", SCRIPT, "-1")
BIGGEST = ("9999-12-31", "99999999999", "1e309")
HUGE_ID = "99999999999999999999"  # beyond a 64-bit integer

UNESCAPED = (SCRIPT, "<img src=x onerror")  # in a page: hostile input written out as markup
DEBUG_PAGE = ('id="traceback"', "Traceback (most recent call last)", "technical_500")

# Where the crawl may go: the portal, the public frameworks site, the account pages, home.
SCOPE = ("/portal/", "/frameworks/", "/accounts/")
SIGN_OUT = re.compile(r"log_?out|sign_?out", re.IGNORECASE)  # never followed nor sent
REDIRECTS = (301, 302, 303, 307, 308)

TEXT_TYPES = {"", "text", "search", "email", "url", "tel", "password"}
NUMBER_TYPES = {"number", "range"}
DATE_TYPES = {"date", "datetime-local", "month", "week", "time"}
CSRF = "csrfmiddlewaretoken"
A_HANDFUL = 5  # options ticked where a form asks for several


# --- Reading pages ---------------------------------------------------------------------------


@dataclass
class Field:
    tag: str  # input, select, textarea, button
    name: str
    type: str = "text"
    value: str = ""
    checked: bool = False
    required: bool = False
    multiple: bool = False
    minimum: str = ""
    options: list[tuple[str, bool]] = field(default_factory=list)  # (value, selected)

    @property
    def category(self) -> str:
        if self.tag == "button":
            return "button"
        if self.tag == "select" or self.type in ("radio", "checkbox"):
            return "choice"
        if self.tag == "textarea" or self.type in TEXT_TYPES:
            return "text"
        if self.type in NUMBER_TYPES:
            return "number"
        if self.type in DATE_TYPES:
            return "date"
        if self.type in ("hidden", "file"):
            return self.type
        return "other"  # submit, reset, image and the like: not sent


@dataclass
class Form:
    method: str
    action: str
    fields: list[Field] = field(default_factory=list)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(sorted({f.name for f in self.fields if f.name != CSRF}))

    @property
    def csrf(self) -> str | None:
        return next((f.value for f in self.fields if f.name == CSRF), None)

    def inputs(self) -> Iterator[Field]:
        """One field per name (a radio or checkbox group is one input), in page order."""
        seen: set[str] = set()
        for f in self.fields:
            if f.name != CSRF and f.name not in seen:
                seen.add(f.name)
                yield f

    def options(self, name: str) -> list[tuple[str, bool]]:
        """Every value a radio group, checkbox group or select offers, and whether chosen."""
        found: list[tuple[str, bool]] = []
        for f in self.fields:
            if f.name == name and f.tag == "select":
                found.extend(f.options)
            elif f.name == name and f.type in ("radio", "checkbox"):
                found.append((f.value or "on", f.checked))
        return found


class PageParser(HTMLParser):
    """The links (``a[href]``) and forms of one page, with their fields."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._option: list | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        elif tag == "form":
            self._form = Form((a.get("method") or "get").lower(), a.get("action", ""))
            self.forms.append(self._form)
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "selected" in a, ""]
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input":
            self._form.fields.append(
                Field(
                    "input",
                    a["name"],
                    type=a.get("type", "text").lower(),
                    value=a.get("value", ""),
                    checked="checked" in a,
                    required="required" in a,
                    minimum=a.get("min", ""),
                )
            )
        elif tag == "button" and a.get("type", "submit").lower() == "submit":
            self._form.fields.append(Field("button", a["name"], "submit", a.get("value", "")))
        elif tag == "select":
            self._select = Field(
                "select", a["name"], "select", required="required" in a, multiple="multiple" in a
            )
            self._form.fields.append(self._select)
        elif tag == "textarea":
            self._textarea = Field("textarea", a["name"], "textarea", required="required" in a)
            self._form.fields.append(self._textarea)

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option[2] += data
        elif self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag in ("option", "select") and self._option is not None and self._select:
            value, selected, text = self._option
            self._select.options.append((value if value is not None else text.strip(), selected))
            self._option = None
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._form = None


def parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser


# --- Grouping addresses by the view that answers them ----------------------------------------


@dataclass(frozen=True)
class Route:
    """The view an address resolves to, its arguments, and how to make it with others."""

    pattern: tuple
    arguments: dict
    build: Callable[[dict], str] | None = None


def _wagtail_route(path: str) -> Route:
    """A Wagtail page's type and, for a routable page, its route's view and arguments."""
    from wagtail.models import Site

    request = RequestFactory().get(path)
    site = Site.find_for_request(request)
    if site is None:
        return Route(("wagtail", "no site"), {})
    try:
        page, args, _kwargs = site.root_page.specific.route(
            request, [part for part in path.split("/") if part]
        )
    except Http404:
        return Route(("wagtail", "404"), {})
    if len(args) < 3 or not callable(args[0]):  # not a routable page's sub-route
        return Route(("wagtail", type(page).__name__, ""), {})
    view, _args, arguments = args[0], args[1], args[2]
    name = view.__name__
    return Route(
        ("wagtail", type(page).__name__, name),
        arguments,
        lambda changed: page.url + page.reverse_subpage(name, kwargs=changed),
    )


def route_of(path: str) -> Route:
    try:
        match = resolve(path)
    except Resolver404:
        return Route(("unresolved", path), {})
    if match.view_name == "wagtail_serve":
        return _wagtail_route(path)
    name = match.view_name
    return Route(
        (name, tuple(sorted(match.kwargs))),
        match.kwargs,
        lambda changed: reverse(name, kwargs=changed),
    )


def pattern_of(url: str) -> tuple:
    """What an address is an instance of: its view and the shape of its arguments."""
    parts = urlsplit(url)
    query = tuple(sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)}))
    return (*route_of(parts.path).pattern, query)


def _bad_values(value: object) -> tuple[str, ...]:
    return (HUGE_ID if str(value).isdigit() else IMG, CONTROL)


def hostile_addresses(url: str) -> Iterator[tuple[str, str]]:
    """The address with each of its arguments (a staff number, an id, a code, a query
    value) made hostile: an id beyond any integer column, markup, a NUL. Each is written
    as it is in the address, and as the address's own converter writes it."""
    parts = urlsplit(url)
    route = route_of(parts.path)
    segments = parts.path.split("/")
    for name, value in route.arguments.items():
        shown = quote(str(value), safe="")
        for bad in _bad_values(value):
            made = set()
            if shown in segments:
                made.add("/".join(quote(bad, safe="") if s == shown else s for s in segments))
            if route.build is not None:
                # Where the converter refuses to write it, the router refuses it too.
                with suppress(NoReverseMatch):
                    made.add(route.build({**route.arguments, name: bad}))
            for address in sorted(made):
                yield address, f"{name}={bad!r} in the address"
    query = parse_qsl(parts.query, keep_blank_values=True)
    for index, (name, value) in enumerate(query):
        for bad in _bad_values(value):
            changed = [*query[:index], (name, bad), *query[index + 1 :]]
            yield f"{parts.path}?{urlencode(changed)}", f"{name}={bad!r} in the query"


def local(url: str, base: str = "/") -> str | None:
    """The path and query of a same-site address within the crawl's scope, else None."""
    parts = urlsplit(urljoin(f"http://testserver{base}", url))
    if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
        return None
    if parts.path != "/" and not parts.path.startswith(SCOPE):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def signs_out(url: str) -> bool:
    try:
        return bool(SIGN_OUT.search(resolve(urlsplit(url).path).view_name))
    except Resolver404:
        return False


# --- Payloads --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Payload:
    kind: str
    data: dict[str, list[str] | str]
    files: dict[str, SimpleUploadedFile]


def _fake_file(name: str) -> SimpleUploadedFile:
    """A program posing as a PDF, named with markup."""
    return SimpleUploadedFile(f"{name}.pdf", b"MZ\x90\x00 " + SCRIPT.encode(), "application/pdf")


def _text_file(name: str) -> SimpleUploadedFile:
    """A genuine text file whose name is hostile (names are shown back to people)."""
    return SimpleUploadedFile(f"{name}.txt", b"Certificate of attendance.\n", "text/plain")


def _chosen(form: Form, f: Field, variant: int) -> list[str] | str | None:
    """What a person might choose, by variant: what the page has chosen (else the first
    real option), the first real option, the last; where several may be ticked, what the
    page has ticked, else one, all, or a handful."""
    options = form.options(f.name)
    chosen = [value for value, selected in options if selected]
    offered = [value for value, _ in options if value]
    if f.multiple or f.type == "checkbox":
        return chosen or [offered[:1], offered, offered[:A_HANDFUL]][variant % 3]
    if not offered:
        return chosen[0] if chosen else None
    return [(chosen or offered)[0], offered[0], offered[-1]][variant % 3]


def valid_value(form: Form, f: Field, variant: int, text: str):
    """A value a person might send for ``f``; ``text`` for text fields."""
    kind = f.category
    if kind == "choice":
        return _chosen(form, f, variant)
    if kind == "button":
        return f.value
    if kind == "hidden":
        return f.value
    if kind == "number":
        return f.value or f.minimum or "1"
    if kind == "date":
        return f.value or dates.today().isoformat()  # today: neither future nor past
    if kind == "text":
        return text
    if kind == "file":
        return _text_file(text)
    return None


def hostile_value(f: Field, turn: int):
    kind = f.category
    if kind == "choice":
        value = HOSTILE_CHOICES[turn % 3]
        return [value] if f.multiple or f.type == "checkbox" else value
    if kind == "number":
        return HOSTILE_NUMBERS[turn % 3]
    if kind == "date":
        return HOSTILE_DATES[turn % 3]
    if kind == "hidden":
        return HOSTILE_NUMBERS[turn % 3] if f.value.isdigit() else HOSTILE_TEXT[turn % 3]
    if kind == "file":
        return _fake_file(HOSTILE_TEXT[turn % 3])
    if kind == "text":
        return HOSTILE_TEXT[turn % 3]
    return None


def _payload(form: Form, kind: str, values: dict[str, object]) -> Payload:
    data: dict[str, list[str] | str] = {}
    files: dict[str, SimpleUploadedFile] = {}
    if form.csrf is not None:
        data[CSRF] = form.csrf
    for name, value in values.items():
        if isinstance(value, SimpleUploadedFile):
            files[name] = value
        elif value is not None and value != []:
            data[name] = value  # type: ignore[assignment]
    return Payload(kind, data, files)


def refreshed(payload: Payload, form: Form) -> Payload:
    """``payload`` with the token and hidden values (a review's version) the page shows now,
    except a hidden value the payload is there to make hostile."""
    data = dict(payload.data)
    if form.csrf is not None:
        data[CSRF] = form.csrf
    for f in form.inputs():
        if f.category == "hidden" and f.name in data and not payload.kind.startswith(f"{f.name}="):
            data[f.name] = f.value
    return Payload(payload.kind, data, payload.files)


def empty(form: Form) -> Payload:
    return _payload(form, "empty", {})


def all_hostile(form: Form) -> Payload:
    values = {f.name: hostile_value(f, i) for i, f in enumerate(form.inputs())}
    return _payload(form, "every field hostile", values)


def filled(form: Form, variant: int, *, required_only: bool = False) -> dict[str, object]:
    """As a person would fill the form in, with hostile text; a different text per field
    and per variant, so across the variants every text field gets every hostile text."""
    values: dict[str, object] = {}
    for index, f in enumerate(form.inputs()):
        if required_only and f.category in ("text", "number", "date") and not f.required:
            continue
        text = HOSTILE_TEXT[(variant + index) % len(HOSTILE_TEXT)]
        if f.category == "file" and required_only:
            continue
        values[f.name] = valid_value(form, f, variant, text)
    return values


def trials(form: Form) -> list[tuple[Payload, dict[str, object]]]:
    found = [
        (f"hostile text {variant}", filled(form, variant)) for variant in range(len(HOSTILE_TEXT))
    ]
    found.append(("hostile text, required fields only", filled(form, 0, required_only=True)))
    return [(_payload(form, kind, values), values) for kind, values in found]


def probes(form: Form, accepted: dict[str, object]) -> Iterator[Payload]:
    """The accepted input with one non-text field hostile at a time (choices all at once)."""
    inputs = list(form.inputs())
    texts = [f for f in inputs if f.category == "text"]
    if texts:
        yield _payload(form, "a NUL in the text", {**accepted, **{f.name: CONTROL for f in texts}})
    choices = [f for f in inputs if f.category == "choice"]
    for turn in range(len(HOSTILE_CHOICES) if choices else 0):
        values = dict(accepted)
        values.update({f.name: hostile_value(f, turn) for f in choices})
        yield _payload(form, f"unknown choices ({HOSTILE_CHOICES[turn]})", values)
    days = [f for f in inputs if f.category == "date"]
    if days:  # a date that does not exist: every date field at once
        impossible = {f.name: IMPOSSIBLE_DATE for f in days}
        yield _payload(form, f"every date {IMPOSSIBLE_DATE}", {**accepted, **impossible})
    for f in inputs:
        # The extremes one field at a time, so each gets past the checks of the others.
        values = {
            "number": HOSTILE_NUMBERS,
            "hidden": [hostile_value(f, turn) for turn in range(3)],
            "date": EXTREME_DATES,
            "file": [hostile_value(f, 0)],
        }.get(f.category, ())
        for value in values:
            shown = getattr(value, "name", value)
            yield _payload(form, f"{f.name}={shown}", {**accepted, f.name: value})


# --- The crawl -------------------------------------------------------------------------------


@dataclass
class Failure:
    url: str
    method: str
    problem: str
    kind: str = ""
    action: str = ""

    def __str__(self) -> str:
        where = f"{self.method} {self.url}"
        if self.action:
            where = f"{where} (form on {self.action}; sent: {self.kind})"
        elif self.kind:
            where = f"{where} ({self.kind})"
        return f"{where}: {self.problem}"


@dataclass
class Report:
    pages: list[str] = field(default_factory=list)
    patterns: set[tuple] = field(default_factory=set)
    forms: list[tuple[str, str]] = field(default_factory=list)  # (method, page)
    submissions: int = 0
    requests: int = 0
    downloads: int = 0
    relogins: int = 0
    failures: list[Failure] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.pages)} pages of {len(self.patterns)} kinds, {len(self.forms)} forms "
            f"sent {self.submissions} times, {self.downloads} downloads, "
            f"{self.requests} requests, signed in again {self.relogins} times"
        )


def _exception_text(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if "/.venv/" not in f.filename and "site-packages" not in f.filename]
    where = ours[-1] if ours else (frames[-1] if frames else None)
    place = f" (at {where.filename}:{where.lineno} in {where.name})" if where else ""
    return f"{type(error).__name__}: {error}{place}"


def _content(response) -> bytes:
    """The body, read once (a file download is streamed, and can only be read once)."""
    cached = getattr(response, "_crawl_content", None)
    if cached is None:
        if getattr(response, "streaming", False):
            cached = b"".join(response.streaming_content)
            response.close()
        else:
            cached = response.content
        response._crawl_content = cached
    return cached


def _is_html(response) -> bool:
    return "html" in response.get("Content-Type", "")


def workbook_problems(content: bytes) -> list[str]:
    """A workbook must open, and hold what people typed as text: never a formula."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True)
    except Exception as error:  # a workbook that does not open is a finding
        return [f"a workbook that does not open: {error}"]
    problems = [
        f"a formula in sheet {sheet.title!r}: {cell.value!r}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if getattr(cell, "data_type", None) == "f"
    ]
    book.close()
    return problems


class _RollBack(Exception):
    pass


class Crawler:
    """Crawls as one user (None: signed out), breadth first, within bounds."""

    def __init__(self, user=None, *, max_pages: int = 150, per_pattern: int = 3) -> None:
        self.user = user
        self.client = Client(enforce_csrf_checks=True)  # so a form without a token shows
        self.max_pages = max_pages
        self.per_pattern = per_pattern
        self.report = Report()
        self._queue: deque[str] = deque()
        self._queued: set[str] = set()
        self._per_pattern: Counter[tuple] = Counter()
        self._forms_sent: set[tuple] = set()
        self._patterns: dict[str, tuple] = {}
        self._visited: list[str] = []
        if user is not None:
            self.client.force_login(user)

    # -- requests --

    def request(self, method: str, url: str, payload: Payload | None = None, action: str = ""):
        """One request, checked; a server error or exception is noted, never raised."""
        self.report.requests += 1
        kind = payload.kind if payload else ""
        try:
            # A savepoint per request: after a database error PostgreSQL refuses every later
            # query in the transaction, so the failed request is rolled back on its own.
            with transaction.atomic():
                if method == "post":
                    files = payload.files if payload else {}
                    for upload in files.values():
                        upload.seek(0)  # the same file may be sent more than once
                    response = self.client.post(url, {**(payload.data if payload else {}), **files})
                else:
                    response = self.client.get(url)
        except Exception as error:  # every exception is a finding
            self._fail(url, method, _exception_text(error), kind, action)
            self._stay_signed_in()
            return None
        status = response.status_code
        if status >= 500:
            self._fail(url, method, f"answered {status}", kind, action)
        elif method == "post" and status == 405:
            self._fail(url, method, "the form posts to a page that refuses POST", kind, action)
        elif status == 403 and b"CSRF" in _content(response):
            self._fail(url, method, "refused by the CSRF check", kind, action)
        self._check_body(url, method, response, kind, action)
        self._stay_signed_in()
        return response

    def _stay_signed_in(self) -> None:
        if self.user is not None and self.client.session.get("_auth_user_id") != str(self.user.pk):
            self.report.relogins += 1
            self.client.force_login(self.user)

    def _fail(self, url: str, method: str, problem: str, kind: str = "", action: str = ""):
        self.report.failures.append(Failure(url, method.upper(), problem, kind, action))

    def _check_body(self, url: str, method: str, response, kind: str, action: str) -> None:
        content_type = response.get("Content-Type", "")
        if "html" in content_type:
            html = _content(response).decode("utf-8", "replace")
            for marker in UNESCAPED:
                if marker in html:
                    at = html.index(marker)
                    context = " ".join(html[max(0, at - 160) : at + len(marker) + 40].split())
                    self._fail(url, method, f"unescaped {marker!r} in …{context}…", kind, action)
            if any(marker in html for marker in DEBUG_PAGE):
                self._fail(url, method, "a Django debug or traceback page", kind, action)
        elif "spreadsheetml" in content_type:
            for problem in workbook_problems(_content(response)):
                self._fail(url, method, problem, kind, action)
        elif "csv" in content_type and re.search(
            r'(^|[,\n"])=HYPERLINK', _content(response).decode("utf-8", "replace")
        ):
            self._fail(url, method, "a formula in a CSV download", kind, action)

    # -- pages --

    def _pattern(self, url: str) -> tuple:
        if url not in self._patterns:
            self._patterns[url] = pattern_of(url)
        return self._patterns[url]

    def enqueue(self, href: str, base: str = "/") -> None:
        url = local(href.split("#", 1)[0], base)
        if url is None or url in self._queued or signs_out(url):
            return
        if len(self._queued) >= self.max_pages:
            return
        pattern = self._pattern(url)
        if self._per_pattern[pattern] >= self.per_pattern:
            return
        self._per_pattern[pattern] += 1
        self._queued.add(url)
        self._queue.append(url)

    def crawl(self, start: Iterable[str]) -> Report:
        for url in start:
            self.enqueue(url)
        while self._queue:
            self.visit(self._queue.popleft())
        # Hostile text saved by one form may show on any page: look at each kind again.
        again = {self._pattern(url): url for url in reversed(self._visited)}
        for url in again.values():
            self.request("get", url, Payload("a second look once the forms were sent", {}, {}))
        return self.report

    def visit(self, url: str) -> None:
        response = self.request("get", url)
        if response is None:
            return
        self.report.pages.append(url)
        if self._pattern(url) not in self.report.patterns:
            self.report.patterns.add(self._pattern(url))
            for address, kind in hostile_addresses(url):
                self.request("get", address, Payload(kind, {}, {}))
        self._visited.append(url)
        if response.status_code in REDIRECTS:
            self.enqueue(response["Location"], url)
            return
        if response.status_code != 200:
            return
        if not _is_html(response):
            self.report.downloads += 1
            return
        page = parse(_content(response).decode("utf-8", "replace"))
        for href in page.links:
            self.enqueue(href, url)
        for form in page.forms:
            self.submit(url, form)

    # -- forms --

    def _action(self, page_url: str, form: Form) -> str | None:
        return local(form.action or page_url, page_url)

    def submit(self, page_url: str, form: Form) -> None:
        action = self._action(page_url, form)
        if action is None or signs_out(action):
            return
        key = (form.method, self._pattern(action.split("?")[0]), form.names)
        if key in self._forms_sent:
            return
        self._forms_sent.add(key)
        self.report.forms.append((form.method.upper(), page_url))
        if form.method == "post" and form.csrf is None:
            self._fail(page_url, "post", "a form without a CSRF token", action=action)

        self._send(form, action, empty(form), keep=False)
        self._send(form, action, all_hostile(form), keep=False)
        accepted: list[Payload] = []
        baseline = None
        for payload, values in trials(form):
            # Each accepted trial is sent again below to keep, and where it leads read then.
            if self._send(form, action, payload, keep=False, follow=False):
                accepted.append(payload)
                baseline = baseline or values
        odd = [
            payload
            for payload in probes(form, baseline or trials(form)[-1][1])
            if self._send(form, action, payload, keep=False)
        ]
        if form.method != "post":
            return  # a search keeps nothing
        # Keep what the form accepted, so every page that shows it later is checked too:
        # odd values first, the largest first (adding to 9999-12-31 is what overflows).
        odd.sort(key=lambda payload: not any(big in payload.kind for big in BIGGEST))
        # Then the text trials, the one with only the required fields first, so what stays
        # for the second look is the fullest.
        accepted.sort(key=lambda payload: "required" not in payload.kind)
        for payload in [*odd, *accepted] or [empty(form)]:
            if not self._send(form, action, refreshed(payload, form), keep=True):
                continue
            form = self._reload(page_url, form)
            if form is None:
                break

    def _send(
        self, form: Form, action: str, payload: Payload, *, keep: bool, follow: bool = True
    ) -> bool:
        """Send one payload; True if the form took it (a POST answered with a redirect).

        ``keep``: or roll back what it saved; ``follow``: read the page it leads to first.
        """
        self.report.submissions += 1
        if form.method != "post":
            # As a browser does: the form's fields replace the query of its action.
            fields = {k: v for k, v in payload.data.items() if k != CSRF}
            url = f"{action.split('?')[0]}?{urlencode(fields, doseq=True)}"
            response = self.request("get", url, payload, action)
            return response is not None and response.status_code == 200
        taken = False
        try:
            with transaction.atomic():
                response = self.request("post", action, payload, action)
                if response is not None and response.status_code in REDIRECTS:
                    taken = True
                    # Read where the form leads while what it saved is still there.
                    target = local(response["Location"], action)
                    if follow and target is not None and not signs_out(target):
                        self.request("get", target, payload, action)
                        if keep:
                            self.enqueue(target)
                if not keep:
                    raise _RollBack
        except _RollBack:
            pass
        return taken

    def _reload(self, page_url: str, form: Form) -> Form | None:
        """The same form as the page offers it now (None once it no longer does)."""
        response = self.request("get", page_url, Payload("reading the form again", {}, {}))
        if response is None or response.status_code != 200 or not _is_html(response):
            return None
        action = self._action(page_url, form)
        same = [
            f
            for f in parse(_content(response).decode("utf-8", "replace")).forms
            if f.method == form.method and self._action(page_url, f) == action
        ]
        exact = [f for f in same if f.names == form.names]
        return (exact or same or [None])[0]


def crawl(user=None, start: Iterable[str] = ("/",), **bounds) -> Report:
    """Crawl the site as ``user`` (None: signed out) from ``start``."""
    return Crawler(user, **bounds).crawl(start)
