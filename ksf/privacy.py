"""A guard against patient identifiers in short free text (case references, activity labels).

``patient_identifier_problem(value)`` says in plain English why a value looks like it
identifies a patient, or returns None. It looks for:

- an NHS number: 10 digits, also written with spaces or dashes (``943 476 5919``), whose last
  digit is the modulus-11 check digit of the other nine (``nhs_number.is_valid``); ten digits
  that fail the check are not an NHS number and are allowed;
- a date, as a date of birth is written: ``14/03/1956``, ``14-03-56``, ``14.3.56``,
  ``1956-03-14``, ``14 March 1956``;
- a person's name: a title and a name (``Mr Jones``, ``Mrs A Smith``, ``Dr. Patel``), or two or
  more capitalised words (``John Smith``) unless they are words a clinician uses to label a
  case (``Left Shoulder``, ``Knee Clinic``);
- a UK postcode (``CF10 3AT``, ``SW1A 1AA``).

It is a guard, not a proof: it errs towards refusing, and the message says what to use
instead (the clinician's own pseudonymised reference).
"""

import datetime
import re

import nhs_number
from django.utils.translation import gettext

_TEN_DIGITS = re.compile(r"(?<![\d])(\d(?:[ \-]?\d){9})(?![\d])")

_NUMERIC_DATES = [
    # day, month, year (2 or 4 digits) with / - . or space between
    re.compile(r"(?<!\d)(?P<d>\d{1,2})[/\-.](?P<m>\d{1,2})[/\-.](?P<y>\d{4}|\d{2})(?!\d)"),
    # year first, ISO-like
    re.compile(r"(?<!\d)(?P<y>\d{4})[/\-.](?P<m>\d{1,2})[/\-.](?P<d>\d{1,2})(?!\d)"),
]
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_WORD_DATE = re.compile(
    r"(?<!\d)(?P<d>\d{1,2})(?:st|nd|rd|th)?[ \-]?"
    r"(?P<m>[A-Za-z]{3,9})\.?[ \-,]*(?P<y>\d{4}|\d{2})(?!\d)"
)

_TITLE = re.compile(
    r"\b(?:mr|mrs|ms|miss|mx|dr|prof|master|sir|dame)\b\.?\s+[A-Z][A-Za-z'\-]*", re.IGNORECASE
)
_NAME_WORD = r"[A-Z][a-z]+(?:['\-][A-Z]?[a-z]+)?"
_CAPITALISED = re.compile(rf"\b{_NAME_WORD}(?:\s+{_NAME_WORD})+\b")

# Words a clinician uses to label a case: two of these together are not a name.
CLINICAL_WORDS = frozenset(
    [
        "left",
        "right",
        "bilateral",
        "anterior",
        "posterior",
        "medial",
        "lateral",
        "proximal",
        "distal",
        "upper",
        "lower",
        "shoulder",
        "knee",
        "hip",
        "ankle",
        "foot",
        "wrist",
        "hand",
        "elbow",
        "neck",
        "back",
        "spine",
        "lumbar",
        "thoracic",
        "cervical",
        "hamstring",
        "quadriceps",
        "calf",
        "achilles",
        "tendon",
        "tendinopathy",
        "bursa",
        "bursitis",
        "rotator",
        "cuff",
        "subacromial",
        "acromioclavicular",
        "glenohumeral",
        "plantar",
        "fascia",
        "fasciitis",
        "carpal",
        "tunnel",
        "tennis",
        "golfers",
        "joint",
        "muscle",
        "ligament",
        "nerve",
        "injection",
        "guided",
        "diagnostic",
        "scan",
        "ultrasound",
        "clinic",
        "case",
        "review",
        "ward",
        "bay",
        "bed",
        "theatre",
        "session",
        "follow",
        "new",
        "assessment",
        "outpatient",
        "inpatient",
        "community",
        "home",
        "visit",
        "triage",
        "first",
        "contact",
        "telephone",
        "video",
        "virtual",
        "group",
        "class",
        "room",
        "site",
        "unit",
        "team",
        "service",
        "msk",
        "physio",
        "physiotherapy",
        "occupational",
        "therapy",
        "paediatric",
        "adult",
    ]
)

_POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\s*\d[A-Z]{2}\b", re.IGNORECASE)


def _is_nhs_number(value: str) -> bool:
    for match in _TEN_DIGITS.finditer(value):
        digits = re.sub(r"[ \-]", "", match.group(1))
        if nhs_number.is_valid(digits):
            return True
    return False


def _real_date(day: str, month: int | str, year: str) -> bool:
    try:
        whole_year = int(year) if len(year) == 4 else 1900 + int(year)
        datetime.date(whole_year, int(month), int(day))
    except ValueError:
        return False
    return True


def _has_date(value: str) -> bool:
    for pattern in _NUMERIC_DATES:
        for match in pattern.finditer(value):
            if _real_date(match["d"], match["m"], match["y"]):
                return True
    for match in _WORD_DATE.finditer(value):
        month = _MONTHS.get(match["m"].lower())
        if month and _real_date(match["d"], month, match["y"]):
            return True
    return False


def _has_name(value: str) -> bool:
    if _TITLE.search(value):
        return True
    for match in _CAPITALISED.finditer(value):
        words = [w.lower() for w in re.split(r"[\s'\-]+", match.group(0)) if w]
        if not any(w in CLINICAL_WORDS for w in words):
            return True
    return False


def patient_identifier_problem(value: str) -> str | None:
    """Why ``value`` looks like it identifies a patient, in plain English; None if it does not."""
    value = (value or "").strip()
    if not value:
        return None
    if _is_nhs_number(value):
        return gettext(
            "This looks like an NHS number (10 digits that pass the NHS number check). "
            "Never record a patient's NHS number here: use your own pseudonymised reference."
        )
    if _has_date(value):
        return gettext(
            "This looks like a date, such as a date of birth. Never record a patient's date of "
            "birth here: use your own pseudonymised reference."
        )
    if _POSTCODE.search(value):
        return gettext(
            "This looks like a postcode. Never record where a patient lives here: use your own "
            "pseudonymised reference."
        )
    if _has_name(value):
        return gettext(
            "This looks like a person's name. Never record a patient's name here: use your own "
            "pseudonymised reference, such as initials of the clinic and a number."
        )
    return None


def looks_like_name(value: str) -> bool:
    """Whether ``value`` reads as a person's name (the check ``patient_identifier_problem``
    makes), for guards that word their own message."""
    return _has_name((value or "").strip())


def contains_nhs_number(value: str) -> bool:
    """Whether ``value`` holds an NHS number anywhere, plain or written with spaces or dashes."""
    return _is_nhs_number(value or "")
