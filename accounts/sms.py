"""Sending SMS: console and file backends for development and tests, an HTTP gateway in production.

settings.SMS_BACKEND picks one: "console", "file" (one file per message in settings.SMS_FILE_PATH) or "http"
(a JSON POST to settings.SMS_HTTP_URL with settings.SMS_HTTP_TOKEN as a bearer token).
"""

import json
import logging
import sys
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)


class SMSError(Exception):
    """The message could not be handed to the gateway."""


@dataclass(frozen=True)
class SMS:
    phone: str
    text: str


class ConsoleBackend:
    def send(self, message: SMS) -> None:
        sys.stdout.write(f"SMS to {message.phone}: {message.text}\n")


class FileBackend:
    """One file per message, named so a directory listing sorts by time; tests read codes from here."""

    def send(self, message: SMS) -> None:
        folder = settings.SMS_FILE_PATH
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{timezone.now():%Y%m%dT%H%M%S%f}-{message.phone.lstrip('+')}-{uuid.uuid4().hex[:8]}.txt"
        (folder / name).write_text(f"To: {message.phone}\n\n{message.text}\n", encoding="utf-8")


class HTTPBackend:
    """A JSON POST {"to", "from", "text"}; any answer but 2xx, a timeout or a network error is an SMSError."""

    def send(self, message: SMS) -> None:
        if not settings.SMS_HTTP_URL:
            raise SMSError("SMS_HTTP_URL is not set")
        body = json.dumps({"to": message.phone, "from": settings.SMS_SENDER, "text": message.text}).encode()
        request = urllib.request.Request(
            settings.SMS_HTTP_URL,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {settings.SMS_HTTP_TOKEN}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_HTTP_TIMEOUT) as response:
                response.read()
        except urllib.error.HTTPError as error:
            logger.warning("SMS gateway answered %s for %s", error.code, message.phone)
            raise SMSError(f"gateway answered {error.code}") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            logger.warning("SMS gateway unreachable for %s: %s", message.phone, error)
            raise SMSError(f"gateway unreachable: {error}") from error


_BACKENDS = {"console": ConsoleBackend, "file": FileBackend, "http": HTTPBackend}


def send_sms(*, phone: str, text: str) -> None:
    """Send through the configured backend; raises SMSError when it fails."""
    try:
        backend = _BACKENDS[settings.SMS_BACKEND]()
    except KeyError:
        raise SMSError(f"unknown SMS_BACKEND {settings.SMS_BACKEND!r}") from None
    backend.send(SMS(phone=phone, text=text))
