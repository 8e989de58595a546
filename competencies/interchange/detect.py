"""Pick the interchange format from the file, unless the person said which."""

from django.contrib.auth.models import User
from django.utils.translation import gettext

from competencies.models import Framework
from ksf.imports.tabular import ImportFailed, RowError


def detect_format(data: bytes, filename: str) -> str:
    head = data.lstrip(b"\xef\xbb\xbf").lstrip()[:1]
    if filename.lower().endswith(".json") or head in (b"{", b"["):
        return "case"
    if filename.lower().endswith((".csv", ".txt")):
        return "moodle"
    raise ImportFailed(
        filename,
        [
            RowError(
                None, None, gettext("Unknown format: upload a Moodle .csv or a CASE .json file.")
            )
        ],
    )


def import_framework(
    data: bytes, filename: str, *, fmt: str | None = None, user: User | None = None
) -> Framework:
    from competencies.interchange.tree import save_framework

    fmt = fmt or detect_format(data, filename)
    if fmt == "moodle":
        from competencies.interchange.moodle import parse_moodle_csv

        parsed = parse_moodle_csv(data, filename)
    elif fmt == "case":
        from competencies.interchange.case import parse_case_package

        parsed = parse_case_package(data, filename)
    else:
        raise ImportFailed(
            filename,
            [RowError(None, None, gettext("Unknown format '%(format)s'.") % {"format": fmt})],
        )
    framework = save_framework(parsed, filename=filename, user=user)
    if user is not None:
        from competencies.frameworks.services import grant_framework

        grant_framework(framework, user)
    return framework


def export_framework(framework: Framework, fmt: str, *, base_url: str) -> tuple[bytes, str, str]:
    """Return (content, content type, file name)."""
    import json

    from competencies.interchange.tree import framework_to_data

    if fmt == "moodle":
        from competencies.interchange.moodle import export_moodle_csv

        content = export_moodle_csv(framework_to_data(framework))  # ValueError: commas in lists
        return content, "text/csv; charset=utf-8", f"{framework.idnumber}-{framework.version}.csv"
    if fmt == "case":
        from competencies.interchange.case import export_case_package

        package = export_case_package(framework, base_url=base_url)
        content = json.dumps(package, indent=2, ensure_ascii=False).encode("utf-8")
        return content, "application/json", f"{framework.idnumber}-{framework.version}.json"
    raise ValueError(gettext("Unknown format %(format)s") % {"format": fmt})
