"""Settings for a worker started as a separate process by test_worker_restart.py (DATABASE_URL points at the
test database)."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from config.settings import *  # noqa: E402,F403
from notifications.tests.conftest import TEMPLATES_DIR  # noqa: E402

TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], TEMPLATES_DIR]  # noqa: F405
