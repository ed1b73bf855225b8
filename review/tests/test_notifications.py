"""The decision message templates render in the recipient's language (as the notifications worker does)."""

from django.template.loader import render_to_string
from django.utils import translation

CONTEXT = {
    "title": "Swings",
    "feasible": True,
    "ballot_cost": 4_200_000,
    "reason": "Town land",
    "path": "/p/1/",
    "site_url": "https://bastama.kz",
    "recipient_name": "Aigerim",
}


def _render(name: str, language: str, **overrides) -> str:
    with translation.override(language):
        return render_to_string(f"review/notifications/decision.{name}.txt", {**CONTEXT, **overrides})


def test_a_feasible_decision_in_kazakh_and_russian():
    assert "іске асыруға болады" in _render("subject", "kk")
    body = _render("body", "ru")
    assert "реализуемым" in body and "4\u202f200\u202f000\u00a0₸" in body and "https://bastama.kz/p/1/" in body
    assert "Town land" in body


def test_a_not_feasible_decision_by_sms():
    sms = _render("sms", "kk", feasible=False, ballot_cost=None)
    assert "іске асыру мүмкін емес" in sms and "₸" not in sms
