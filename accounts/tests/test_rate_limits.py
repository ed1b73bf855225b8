from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts import ratelimit
from accounts.models import SignInCode
from accounts.services import CODES_PER_IP, CODES_PER_PHONE
from accounts.testing import next_phone

pytestmark = pytest.mark.django_db


def test_a_key_is_refused_after_its_limit_and_free_again_after_the_window():
    window = timedelta(minutes=10)
    assert [ratelimit.hit("k", limit=3, window=window) for _ in range(4)] == [True, True, True, False]
    assert ratelimit.hit("other", limit=3, window=window)
    with time_machine.travel(timezone.now() + window + timedelta(seconds=1)):
        assert ratelimit.hit("k", limit=3, window=window)


def test_codes_to_one_number_are_limited(client):
    phone = next_phone()
    limit, window = CODES_PER_PHONE
    for _ in range(limit):
        assert client.post(reverse("accounts:sign_in"), {"phone": phone}).status_code == 302
    response = client.post(reverse("accounts:sign_in"), {"phone": phone}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "Too many codes" in response.text
    assert SignInCode.objects.filter(phone=phone).count() == limit
    with time_machine.travel(timezone.now() + window + timedelta(seconds=1)):
        assert client.post(reverse("accounts:sign_in"), {"phone": phone}).status_code == 302


def test_codes_asked_for_from_one_address_are_limited(client):
    limit, _ = CODES_PER_IP
    for _ in range(limit):
        assert client.post(reverse("accounts:sign_in"), {"phone": next_phone()}).status_code == 302
    response = client.post(reverse("accounts:sign_in"), {"phone": next_phone()}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Too many codes" in response.text
    other_address = client.post(reverse("accounts:sign_in"), {"phone": next_phone()}, REMOTE_ADDR="10.0.0.2")
    assert other_address.status_code == 302


def test_a_new_code_replaces_the_old_one(client):
    phone = next_phone()
    client.post(reverse("accounts:sign_in"), {"phone": phone})
    client.post(reverse("accounts:sign_in"), {"phone": phone})
    assert SignInCode.objects.filter(phone=phone, used_at__isnull=True).count() == 1


def test_a_failed_sms_leaves_no_live_code(client, settings):
    settings.SMS_BACKEND, settings.SMS_HTTP_URL = "http", "http://127.0.0.1:9/send"
    phone = next_phone()
    response = client.post(reverse("accounts:sign_in"), {"phone": phone}, HTTP_ACCEPT_LANGUAGE="en")
    assert "could not send the SMS" in response.text
    assert not SignInCode.objects.filter(phone=phone).exists()


def test_pruning_deletes_only_what_can_no_longer_matter(client):
    from django.core.management import call_command

    from accounts.models import RateLimitHit

    with time_machine.travel(timezone.now() - timedelta(days=2)):
        client.post(reverse("accounts:sign_in"), {"phone": next_phone()})
    client.post(reverse("accounts:sign_in"), {"phone": next_phone()})
    call_command("prune_sign_in_data")
    assert SignInCode.objects.count() == 1
    assert RateLimitHit.objects.count() == 2  # this hour's per-phone and per-address counts


def test_behind_a_proxy_the_address_our_proxy_saw_is_counted(client, settings):
    settings.TRUSTED_PROXIES = 1
    limit, _ = CODES_PER_IP
    for _ in range(limit):
        client.post(reverse("accounts:sign_in"), {"phone": next_phone()}, HTTP_X_FORWARDED_FOR="6.6.6.6, 10.0.0.1")
    forged = client.post(reverse("accounts:sign_in"), {"phone": next_phone()}, HTTP_X_FORWARDED_FOR="7.7.7.7, 10.0.0.1")
    assert "Too many codes" in forged.text
    other = client.post(reverse("accounts:sign_in"), {"phone": next_phone()}, HTTP_X_FORWARDED_FOR="10.0.0.2")
    assert other.status_code == 302
