"""Forms validate and normalise what people type; services make the changes."""

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from editions.models import District
from editions.permissions import is_staff_member

from .iin import IIN, InvalidIIN, parse_iin
from .models import User
from .phone import normalize_phone

_IIN_ERRORS = {
    "format": _("An IIN has exactly 12 digits."),
    "check_digit": _("This IIN is not valid: please check the digits."),
    "century": _("This IIN is not valid: its seventh digit must be from 1 to 6."),
    "birth_date": _("This IIN is not valid: its first six digits are not a date of birth."),
}


def _clean_phone(value: str) -> str:
    phone = normalize_phone(value)
    if phone is None:
        raise forms.ValidationError(
            _("Enter a Kazakhstan mobile number, for example +7 701 234 56 78 or 8 701 234 56 78."), code="phone"
        )
    return phone


def _parse_iin(value: str) -> IIN:
    try:
        return parse_iin(value)
    except InvalidIIN as error:
        raise forms.ValidationError(_IIN_ERRORS[error.code], code=error.code) from None


def _refuse_taken_iin(iin: IIN, owner: User) -> None:
    if User.objects.filter(iin_hash=iin.hash).exclude(pk=owner.pk).exists():
        raise forms.ValidationError(
            _("This IIN is already registered to another account. If it is yours, contact the coordinator."),
            code="taken",
        )


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        help_text=_("We will send a one-time code by SMS."),
    )

    def clean_phone(self) -> str:
        return _clean_phone(self.cleaned_data["phone"])


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("One-time code"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not code.isascii() or not code.isdigit():
            raise forms.ValidationError(_("The code has 6 digits."), code="digits")
        return code


class StaffSignInForm(forms.Form):
    """Phone, password and (once enrolled) the authenticator's code: all three before staff powers count."""

    phone = forms.CharField(
        label=_("Phone number"), max_length=32, widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})
    )
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    token = forms.CharField(
        label=_("Code from the authenticator app"),
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        help_text=_("Leave empty only the first time, before you have set up the app."),
    )

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.user: User | None = None
        self.device: TOTPDevice | None = None

    def clean_phone(self) -> str:
        return _clean_phone(self.cleaned_data["phone"])

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        user = authenticate(self.request, phone=data["phone"], password=data["password"])
        if user is None or not is_staff_member(user):
            raise forms.ValidationError(_("The phone number or the password is wrong."), code="credentials")
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            if not data.get("token"):
                self.add_error("token", _("Enter the code from your authenticator app."))
                return data
            if not device.verify_token(data["token"].strip()):  # throttled by django-otp after failures
                self.add_error("token", _("This code is wrong or has expired. Wait for the next one and try again."))
                return data
        self.user, self.device = user, device
        return data


class EnrolForm(forms.Form):
    token = forms.CharField(
        label=_("Code from the authenticator app"),
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def __init__(self, *args, device: TOTPDevice, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].strip()
        if not self.device.verify_token(token):
            raise forms.ValidationError(_("This code is wrong. Check the time on your phone and try again."))
        return token


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.select_related("city").order_by("city__slug", "name_ru"),
        required=False,
        empty_label=_("Not chosen"),
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    iin = forms.CharField(
        label=_("IIN"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_(
            "12 digits. Needed to vote: it shows your age and that you vote once. We keep only a code made "
            "from it and its last 4 digits."
        ),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.has_iin:
            del self.fields["iin"]
        # Grouped by city: two cities may both have a "Central" district (the queryset still validates).
        by_city: dict = {}
        for district in self.fields["district"].queryset:
            by_city.setdefault(district.city.name, []).append((district.pk, district.name))
        self.fields["district"].choices = [("", self.fields["district"].empty_label)] + [
            (city, sorted(districts, key=lambda choice: choice[1].casefold()))
            for city, districts in sorted(by_city.items(), key=lambda item: item[0].casefold())
        ]

    def clean_iin(self) -> IIN | None:
        value = self.cleaned_data["iin"].strip()
        if not value:
            return None
        iin = _parse_iin(value)
        _refuse_taken_iin(iin, self.user)
        return iin


class CorrectIINForm(forms.Form):
    """Staff correcting a person's IIN, found by phone number."""

    phone = forms.CharField(label=_("Phone number"), max_length=32)
    iin = forms.CharField(label=_("Correct IIN"), max_length=20)

    def clean_phone(self) -> User:
        phone = _clean_phone(self.cleaned_data["phone"])
        user = User.objects.filter(phone=phone).first()
        if user is None:
            raise forms.ValidationError(_("Nobody has signed in with this phone number."), code="unknown")
        return user

    def clean(self):
        data = super().clean()
        if "phone" in data and "iin" in data:
            try:
                _refuse_taken_iin(data["iin"], data["phone"])
            except forms.ValidationError as error:
                self.add_error("iin", error)
        return data

    def clean_iin(self) -> IIN:
        return _parse_iin(self.cleaned_data["iin"])
