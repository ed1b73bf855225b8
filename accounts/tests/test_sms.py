"""The SMS backends; the HTTP one against a tiny gateway on 127.0.0.1."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from accounts.sms import SMSError, send_sms


class _Gateway(BaseHTTPRequestHandler):
    status = 200
    delay = 0.0
    received: list = []

    def do_POST(self):  # noqa: N802 - the http.server API
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append({"auth": self.headers["Authorization"], "body": json.loads(body)})
        if self.delay:
            threading.Event().wait(self.delay)
        self.send_response(self.status)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request, client_address):
        """The timeout test hangs up on a slow answer; that broken pipe is expected."""


@pytest.fixture
def gateway(settings):
    _Gateway.status, _Gateway.delay, _Gateway.received = 200, 0.0, []
    server = _Server(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.SMS_HTTP_TOKEN = "secret-token"
    settings.SMS_HTTP_TIMEOUT = 0.2
    yield _Gateway
    server.shutdown()
    server.server_close()


def test_the_http_backend_posts_json_with_the_token(gateway, settings):
    send_sms(phone="+77011234567", text="Код: 123456")
    assert gateway.received == [
        {
            "auth": "Bearer secret-token",
            "body": {"to": "+77011234567", "from": settings.SMS_SENDER, "text": "Код: 123456"},
        }
    ]


@pytest.mark.parametrize("status", [400, 401, 500, 503])
def test_a_gateway_error_is_an_sms_error(gateway, status):
    gateway.status = status
    with pytest.raises(SMSError, match=str(status)):
        send_sms(phone="+77011234567", text="x")


def test_a_slow_gateway_times_out(gateway):
    gateway.delay = 1
    with pytest.raises(SMSError, match="unreachable"):
        send_sms(phone="+77011234567", text="x")


def test_an_unreachable_gateway_is_an_sms_error(settings):
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = "http://127.0.0.1:9/send"  # discard port: nothing listens
    with pytest.raises(SMSError):
        send_sms(phone="+77011234567", text="x")


def test_the_file_backend_writes_one_file_per_message(settings, tmp_path):
    settings.SMS_BACKEND, settings.SMS_FILE_PATH = "file", tmp_path / "sms"
    send_sms(phone="+77011234567", text="first")
    send_sms(phone="+77011234567", text="second")
    files = sorted((tmp_path / "sms").iterdir())
    assert [f.read_text().splitlines()[-1] for f in files] == ["first", "second"]


def test_the_console_backend_prints(settings, capsys):
    settings.SMS_BACKEND = "console"
    send_sms(phone="+77011234567", text="hello")
    assert "+77011234567: hello" in capsys.readouterr().out


def test_an_unknown_backend_is_an_sms_error(settings):
    settings.SMS_BACKEND = "pigeon"
    with pytest.raises(SMSError):
        send_sms(phone="+77011234567", text="x")
