"""Test profile: fast hashing, tasks run inline, plain static storage."""

import tempfile

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="ksf-test-media-")
PRIVATE_MEDIA_ROOT = tempfile.mkdtemp(prefix="ksf-test-private-")
ALLOWED_HOSTS = ["*"]
MIDDLEWARE = [m for m in MIDDLEWARE if "whitenoise" not in m]  # noqa: F405
# Sign-in throttling is exercised by its own tests (tests/cms/test_sign_in_throttling.py),
# which turn it on; elsewhere the test client signs in without a request to throttle.
AXES_ENABLED = False
AUTHENTICATION_BACKENDS = [b for b in AUTHENTICATION_BACKENDS if not b.startswith("axes.")]  # noqa: F405
# seed_demo writes a tenth of the everyday contacts (every flag's contacts and every outcome
# still); the demo's own test seeds the full year.
DEMO_ACTIVITY_EVERYDAY_SHARE = 0.1
