"""Notification settings for signed-in people, and the one-click unsubscribe page that needs no sign-in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from . import services
from .forms import PreferencesForm


@login_required
def preferences(request):
    user = request.user
    preference = services.preference_for(user)
    initial = {
        "email": user.email,
        "email_enabled": preference.email_enabled,
        "sms_enabled": preference.sms_enabled,
        "language": user.language or translation.get_language(),
    }
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.set_preferences(user=user, **form.cleaned_data)
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


# A signed token is the credential, so no CSRF token: mail clients POST here for RFC 8058 one-click unsubscribe.
@csrf_exempt
def unsubscribe(request, token: str):
    user = services.user_for_unsubscribe_token(token)
    if user is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    # GET only shows a button: link checkers and mail scanners open links, and must not unsubscribe anyone.
    if request.method == "POST":
        services.unsubscribe(user=user)
        return render(request, "notifications/unsubscribe.html", {"done": True})
    return render(request, "notifications/unsubscribe.html", {"token": token})
