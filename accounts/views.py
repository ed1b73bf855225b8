"""Sign-in by phone code, staff sign-in with password and TOTP, the profile, and staff IIN corrections."""

from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from editions.permissions import can_correct_iin, is_staff_member, may_correct_iins

from . import services
from .forms import CodeForm, CorrectIINForm, EnrolForm, PhoneForm, ProfileForm, StaffSignInForm
from .phone import normalize_phone
from .sms import SMSError

_SESSION_PHONE = "sign_in_phone"
_SESSION_NEXT = "sign_in_next"
# Set only by a password sign-in, so a phone code alone can never lead to enrolling an authenticator.
_SESSION_STAFF_PASSWORD = "staff_password_user"


def _safe_next(request, value: str | None) -> str:
    """Only same-site targets, so a crafted link cannot send people elsewhere after they sign in."""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return "/"


def _client_ip(request) -> str | None:
    """The visitor's address for rate limits.

    Behind N reverse proxies of our own (settings.TRUSTED_PROXIES = N) it is the N-th address from the right of
    X-Forwarded-For: the one our outermost proxy saw. Addresses further left are whatever the client sent.
    """
    hops = settings.TRUSTED_PROXIES
    if hops:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR")


def _with_language(response, language: str):
    """Remember the person's language in the cookie LocaleMiddleware reads."""
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE, samesite="Lax"
        )
    return response


def _code_problem(check: services.CodeCheck) -> str:
    if check.problem == "wrong":
        return ngettext(
            "The code is wrong. You have %(count)d more attempt.",
            "The code is wrong. You have %(count)d more attempts.",
            check.attempts_left,
        ) % {"count": check.attempts_left}
    if check.problem == "expired":
        return _("This code has expired. Ask for a new one.")
    if check.problem == "inactive":
        return _("This account is blocked. Please contact the coordinator.")
    return _("Too many wrong attempts: this code no longer works. Ask for a new one.")


def sign_in(request):
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = PhoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        try:
            services.send_sign_in_code(phone=phone, ip=_client_ip(request), language=translation.get_language())
        except services.RateLimited:
            form.add_error(None, _("Too many codes were requested. Please wait an hour and try again."))
        except SMSError:
            form.add_error(None, _("We could not send the SMS just now. Please try again in a minute."))
        else:
            request.session[_SESSION_PHONE] = phone
            request.session[_SESSION_NEXT] = next_url
            return redirect("accounts:sign_in_code")
    return render(request, "accounts/sign_in.html", {"form": form, "next": next_url})


def sign_in_code(request):
    phone = request.session.get(_SESSION_PHONE)
    if phone is None:
        return redirect("accounts:sign_in")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = services.check_sign_in_code(
            phone=phone, code=form.cleaned_data["code"], language=translation.get_language()
        )
        if check.user is not None:
            next_url = request.session.pop(_SESSION_NEXT, "/")
            del request.session[_SESSION_PHONE]
            login(request, check.user)
            if is_staff_member(check.user):
                messages.info(
                    request,
                    _(
                        "You are signed in as a resident. Staff tools also need your password and "
                        "the code from your authenticator app."
                    ),
                )
                next_url = f"{reverse('accounts:staff_sign_in')}?{urlencode({'next': next_url})}"
            if check.user.language:
                translation.activate(check.user.language)
            return _with_language(redirect(next_url), check.user.language)
        form.add_error("code", _code_problem(check))
    return render(request, "accounts/sign_in_code.html", {"form": form, "phone": phone})


@require_POST
def sign_out(request):
    logout(request)
    return redirect("/")


def staff_sign_in(request):
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = StaffSignInForm(request.POST or None, request=request)
    if request.method == "POST":
        phone = normalize_phone(request.POST.get("phone", "")) or "invalid"
        try:
            services.check_staff_password_rate(phone=phone, ip=_client_ip(request))
        except services.RateLimited:
            messages.error(request, _("Too many attempts. Please wait 15 minutes and try again."))
            return render(request, "accounts/staff_sign_in.html", {"form": form, "next": next_url}, status=429)
        if form.is_valid():
            user, device = form.user, form.device
            login(request, user)
            request.session[_SESSION_STAFF_PASSWORD] = user.pk
            if device is not None:
                otp_login(request, device)
            services.record_staff_sign_in(user=user, ip=_client_ip(request), with_second_factor=device is not None)
            if device is None:
                return redirect(f"{reverse('accounts:enrol')}?{urlencode({'next': next_url})}")
            return _with_language(redirect(next_url), user.language)
    return render(request, "accounts/staff_sign_in.html", {"form": form, "next": next_url})


@login_required
def enrol(request):
    """Set up the authenticator app: once, right after the first password sign-in."""
    user = request.user
    if not is_staff_member(user):
        raise PermissionDenied
    if (
        request.session.get(_SESSION_STAFF_PASSWORD) != user.pk
        or TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    ):
        return redirect(f"{reverse('accounts:staff_sign_in')}?{urlencode({'next': reverse('accounts:enrol')})}")
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    device = services.start_totp_enrolment(user=user)
    form = EnrolForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        services.confirm_totp_device(user=user, device=device)
        otp_login(request, device)
        messages.success(request, _("Your authenticator app is set up. Staff tools are now open to you."))
        return redirect(next_url)
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#000", light="#fff"),
        "secret": b32encode(device.bin_key).decode().rstrip("="),
    }
    return render(request, "accounts/enrol.html", context)


@login_required
def profile(request):
    user = request.user
    initial = {"name": user.name, "district": user.district, "language": user.language or translation.get_language()}
    form = ProfileForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.update_profile(
            user=user, name=data["name"], district=data["district"], language=data["language"], iin=data.get("iin")
        )
        translation.activate(data["language"])
        messages.success(request, _("Your profile is saved."))
        return _with_language(redirect("accounts:profile"), data["language"])
    return render(request, "accounts/profile.html", {"form": form})


@login_required
def correct_iin(request):
    """Staff replace a person's IIN when it was mistyped; every correction is in the audit log."""
    if not may_correct_iins(request.user):
        raise PermissionDenied
    form = CorrectIINForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["phone"]
        if not can_correct_iin(request.user, person):
            raise PermissionDenied
        services.correct_iin(actor=request.user, user=person, iin=form.cleaned_data["iin"])
        messages.success(request, _("The IIN of %(phone)s is corrected.") % {"phone": person.phone})
        return redirect("accounts:correct_iin")
    return render(request, "accounts/correct_iin.html", {"form": form})
