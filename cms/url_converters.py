"""URL converters for identifiers that are data: any text a framework or CASE file uses.

Competency and framework codes often contain "/" or "." ("DOM/1", "1.2", CASE
``humanCodingScheme`` values), which Django's ``str`` converter and Wagtail's page router
(path segments of letters, digits, "_" and "-" only) refuse. The ``code`` converter keeps
ASCII letters, digits and "-" as they are and writes every other byte of the UTF-8 text as
"_" and two hex digits, so "DOM/1.1" becomes "DOM_2F1_2E1" and any code has a working URL.

An address that holds a NUL names nothing (no record can hold one: PostgreSQL refuses it in
text, so looking it up would fail rather than find nothing); both converters refuse it, and
the page answers *Page not found* as for any other unknown code or person.
"""

import re

from django.urls import register_converter

_KEEP = re.compile(r"[A-Za-z0-9-]")
_ESCAPE = re.compile(r"_([0-9A-F]{2})")


def encode_code(value: str) -> str:
    return "".join(
        char if _KEEP.fullmatch(char) else "".join(f"_{b:02X}" for b in char.encode("utf-8"))
        for char in str(value)
    )


def decode_code(value: str) -> str:
    raw = bytearray()
    position = 0
    for match in _ESCAPE.finditer(value):
        raw += value[position : match.start()].encode("utf-8")
        raw.append(int(match.group(1), 16))
        position = match.end()
    raw += value[position:].encode("utf-8")
    return raw.decode("utf-8", errors="replace")


class DataCodeConverter:
    regex = r"[A-Za-z0-9_-]+"

    def to_python(self, value: str) -> str:
        code = decode_code(value)
        if "\x00" in code:
            raise ValueError("A code holds no NUL")  # the router answers 404
        return code

    def to_url(self, value: str) -> str:
        return encode_code(value)


class StaffNumberConverter:
    """A staff number as it appears in an address: any text but "/" and NUL."""

    regex = r"[^/\x00]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(DataCodeConverter, "code")
register_converter(StaffNumberConverter, "staff_number")
