import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_with_production_settings():
    """`manage.py check --deploy` with DEBUG off and the variables docs/deploy.md lists: no warning at all."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "TESTING", "SECURE_SSL_REDIRECT", "SECURE_COOKIES"}
        and key != "DJANGO_ALLOW_ASYNC_UNSAFE"  # set by conftest.py for Playwright, never in production
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        IIN_HASH_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="bastama.example.kz",
        DATABASE_URL="postgres://bastama@db.invalid:5432/bastama",  # never connected to by the checks
        SMS_BACKEND="http",
        SMS_HTTP_URL="https://sms.example.kz/send",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
