"""Settings for the test suite: production settings with test-only speed-ups and local backends."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ["TESTING"] = "1"

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "file"
SMS_FILE_PATH = Path(tempfile.mkdtemp(prefix="bastama-sms-"))  # noqa: F405
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="bastama-media-"))  # noqa: F405
# No shared cache even when REDIS_URL is set: a person cached by one test would outlive its database rows.
# The shared_cache fixture (conftest.py) turns Redis on where a test needs it.
REDIS_URL = ""
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
