"""The demo serves pages as production does, at the address it was started on."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import django
django.setup()
from django.conf import settings
from django.test import Client
print("DEBUG", settings.DEBUG)
print("BASE", settings.WAGTAILADMIN_BASE_URL)
client = Client(HTTP_HOST="10.1.2.3")
missing = client.get("/no-such-page/")
print("404", missing.status_code, "Page not found" in missing.content.decode(),
      "URLconf" in missing.content.decode())
css = client.get("/static/cms/nhsuk-frontend-without-web-fonts.css")
print("CSS", css.status_code)
"""


def test_the_demo_profile_shows_nhs_pages_not_debug_pages_and_links_to_its_address(tmp_path):
    db = tmp_path / "demo.sqlite3"
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "cms.settings.demo",
        "DATABASE_URL": f"sqlite:///{db}",
        "WAGTAILADMIN_BASE_URL": "http://10.1.2.3:8080",
        "DEMO_ALLOWED_HOSTS": "10.1.2.3",
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    result = subprocess.run(  # noqa: S603 (our interpreter, our probe)
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    assert lines.get("DEBUG") == "False", result.stdout + result.stderr
    assert lines["BASE"] == "http://10.1.2.3:8080"
    assert lines["404"] == "404 True False"
    assert lines["CSS"] == "200"
