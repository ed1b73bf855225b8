"""Coordinators' forms for editions, districts, categories and cities; every check a person can fix is here."""

import importlib.util

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.phone import normalize_phone

from .models import BallotType, Category, City, CountingRule, District, Edition, Phase, Role
from .services import DATE_FIELDS, NAME_FIELDS, VOTING_SETTINGS

APPROVAL_LIKE = {BallotType.KNAPSACK, BallotType.SINGLE, BallotType.APPROVAL}
# What the counting core (pbcount) can count: sequential Phragmén reads approval ballots only; greedy and the
# Method of Equal Shares also count points (cumulative) and rankings.
RULE_BALLOTS = {
    CountingRule.GREEDY: set(BallotType),
    CountingRule.MES: set(BallotType),
    CountingRule.PHRAGMEN: APPROVAL_LIKE,
}
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
LOCKED = _("Locked: voting has opened.")
PAST_DATE = _("A date cannot be moved into the past. To start the next phase now, use “Move to the next phase”.")


def counting_rule_installed(rule: str) -> bool:
    """The Method of Equal Shares is an optional module of pbcount; the others are always there."""
    if rule != CountingRule.MES:
        return True
    return importlib.util.find_spec("pbcount.rules.equal_shares") is not None


class _DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_FORMAT, **kwargs)


class EditionForm(forms.ModelForm):
    """Create or edit an edition. Once voting has opened the voting settings are shown but cannot change; a
    phase that has begun keeps its date (moving on early is a separate step, with a reason)."""

    class Meta:
        model = Edition
        fields = [
            "year",
            "title_kk",
            "title_ru",
            "title_en",
            "budget",
            "proposal_cost_cap",
            "min_voter_age",
            "ballot_type",
            "max_choices",
            "points",
            "counting_rule",
            "tie_break_seed",
            *DATE_FIELDS,
        ]
        widgets = {field: _DateTimeInput() for field in DATE_FIELDS}
        error_messages = {
            "budget": {"required": _("Enter the budget in tenge.")},
            "year": {"required": _("Enter the year of the edition.")},
            **{field: {"required": _("Enter the date and time.")} for field in DATE_FIELDS},
        }

    def __init__(self, *args, city: City, **kwargs):
        super().__init__(*args, **kwargs)
        self.city = city
        for field in DATE_FIELDS:
            self.fields[field].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        self.locked_reason = ""
        if self.instance.pk is None:
            # A fresh random seed is drawn when the edition is created.
            del self.fields["tie_break_seed"]
            return
        now = timezone.now()
        if self.instance.voting_has_opened:
            self.locked_reason = _("Voting has opened: the voting settings are locked, because votes have been cast.")
            for field in VOTING_SETTINGS:
                self.fields[field].disabled = True
                self.fields[field].help_text = LOCKED
        for field in DATE_FIELDS:
            if getattr(self.instance, field) <= now:
                self.fields[field].disabled = True
                self.fields[field].help_text = _("This phase has begun; its date is kept.")

    def clean_budget(self):
        budget = self.cleaned_data["budget"]
        if budget is not None and budget <= 0:
            raise forms.ValidationError(_("The budget must be more than zero."))
        return budget

    def clean_proposal_cost_cap(self):
        cap = self.cleaned_data["proposal_cost_cap"]
        if cap is not None and cap <= 0:
            raise forms.ValidationError(_("The maximum cost must be more than zero, or left empty."))
        return cap

    def clean_tie_break_seed(self):
        seed = self.cleaned_data["tie_break_seed"].strip()
        if not seed and not self.fields["tie_break_seed"].disabled:
            raise forms.ValidationError(_("Enter a tie-break seed (any text announced before voting)."))
        return seed

    def _clean_year(self, data):
        year = data.get("year")
        if year is None:
            return
        taken = Edition.objects.filter(city=self.city, year=year).exclude(pk=self.instance.pk)
        if taken.exists():
            self.add_error("year", _("This city already has an edition for %(year)s.") % {"year": year})

    def _keep_saved_dates(self, data):
        """The inputs show minutes; a date sent back unchanged keeps its saved seconds, so it is not "changed"."""
        if self.instance.pk is None:
            return
        for field in DATE_FIELDS:
            saved, value = getattr(self.instance, field), data.get(field)
            if value is not None and value in (saved.replace(second=0, microsecond=0), saved.replace(microsecond=0)):
                data[field] = saved

    def _clean_dates(self, data):
        self._keep_saved_dates(data)
        previous = None
        for field in DATE_FIELDS:
            value = data.get(field)
            if value is None:
                previous = None
                continue
            if previous is not None and value < previous:
                self.add_error(field, _("This date must not be before the previous phase's date."))
                continue
            previous = value
        if self.instance.pk is None:
            return
        now = timezone.now()
        for field in DATE_FIELDS:
            value = data.get(field)
            if self.fields[field].disabled or value is None:
                continue
            if value != getattr(self.instance, field) and value <= now:
                self.add_error(field, PAST_DATE)

    def _clean_ballot(self, data):
        ballot, rule = data.get("ballot_type"), data.get("counting_rule")
        if ballot in (BallotType.APPROVAL, BallotType.RANKED) and not data.get("max_choices"):
            self.add_error("max_choices", _("Enter how many projects a voter may choose for this ballot type."))
        if ballot == BallotType.CUMULATIVE and not data.get("points"):
            self.add_error("points", _("Enter how many points each voter spreads."))
        if ballot and rule and ballot not in RULE_BALLOTS[rule]:
            self.add_error(
                "counting_rule",
                _("%(rule)s can count only ballots where voters choose projects (knapsack, single choice or approval).")
                % {"rule": CountingRule(rule).label},
            )
        if rule and not counting_rule_installed(rule) and "counting_rule" in self.changed_data:
            self.add_error("counting_rule", _("This counting rule is not available in this installation."))
        # Settings of other ballot types are dropped, so they cannot come back unnoticed with a later change.
        if not self.fields["ballot_type"].disabled:
            if ballot not in (BallotType.APPROVAL, BallotType.RANKED, BallotType.CUMULATIVE):
                data["max_choices"] = None
            if ballot != BallotType.CUMULATIVE:
                data["points"] = None

    def clean(self):
        data = super().clean()
        budget, cap = data.get("budget"), data.get("proposal_cost_cap")
        if budget and cap and cap > budget:
            self.add_error("proposal_cost_cap", _("The maximum cost of one proposal cannot be more than the budget."))
        self._clean_year(data)
        self._clean_dates(data)
        self._clean_ballot(data)
        return data

    def values(self) -> dict:
        """What the service should set: every field that is not locked."""
        return {field: self.cleaned_data[field] for field in self.fields if not self.fields[field].disabled}


class AdvancePhaseForm(forms.Form):
    # The phase the coordinator saw and asked to start, so a second click cannot skip a phase.
    next_phase = forms.ChoiceField(choices=Phase.choices, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason (published with the decision)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": _("Give the reason for moving to the next phase early.")},
    )
    confirm = forms.BooleanField(
        label=_("I understand that the next phase starts now and residents see this decision."),
        error_messages={"required": _("Tick the box to confirm.")},
    )


class NamesForm(forms.Form):
    """A name in each language, for a category or a district."""

    name_kk = forms.CharField(label=_("Name (Kazakh)"), max_length=100)
    name_ru = forms.CharField(label=_("Name (Russian)"), max_length=100)
    name_en = forms.CharField(label=_("Name (English)"), max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = _("Enter the name in this language.")

    def names(self) -> dict[str, str]:
        return {field: self.cleaned_data[field].strip() for field in NAME_FIELDS}


class CategoryForm(NamesForm):
    @classmethod
    def for_category(cls, category: Category, data=None):
        return cls(data, prefix=f"category-{category.pk}", initial={f: getattr(category, f) for f in NAME_FIELDS})


class _DistrictBudgetMixin(forms.Form):
    budget = forms.IntegerField(
        label=_("Own budget, tenge (when the budget is split by district)"),
        required=False,
        min_value=1,
        error_messages={"min_value": _("The budget must be more than zero.")},
    )

    def __init__(self, *args, edition: Edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.edition = edition
        if edition.voting_has_opened:
            self.fields["budget"].disabled = True
            self.fields["budget"].help_text = LOCKED

    def clean_budget(self):
        budget = self.cleaned_data["budget"]
        if budget is not None and budget > self.edition.budget:
            raise forms.ValidationError(_("A district's budget cannot be more than the edition's budget."))
        return budget


class EditionDistrictForm(_DistrictBudgetMixin, NamesForm):
    """Rename a district taking part in the edition and set its own budget."""

    @classmethod
    def for_row(cls, edition_district, data=None):
        district = edition_district.district
        return cls(
            data,
            edition=edition_district.edition,
            prefix=f"district-{edition_district.pk}",
            initial={**{f: getattr(district, f) for f in NAME_FIELDS}, "budget": edition_district.budget},
        )


class AddDistrictForm(_DistrictBudgetMixin, forms.Form):
    """Add one of the city's districts to the edition, or a new district named here."""

    district = forms.ModelChoiceField(
        label=_("District of the city"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("— a new district, named below —"),
    )
    name_kk = forms.CharField(label=_("Name (Kazakh)"), max_length=100, required=False)
    name_ru = forms.CharField(label=_("Name (Russian)"), max_length=100, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=100, required=False)

    field_order = ["district", "name_kk", "name_ru", "name_en", "budget"]

    def __init__(self, *args, edition: Edition, **kwargs):
        super().__init__(*args, edition=edition, prefix="new-district", **kwargs)
        self.fields["district"].queryset = District.objects.filter(city=edition.city).exclude(
            pk__in=edition.edition_districts.values("district")
        )

    def clean(self):
        data = super().clean()
        if data.get("district") is None:
            for field in NAME_FIELDS:
                if not (data.get(field) or "").strip():
                    self.add_error(
                        field, _("Choose a district of the city, or name the new district in each language.")
                    )
        return data

    def names(self) -> dict[str, str] | None:
        if self.cleaned_data.get("district") is not None:
            return None
        return {field: self.cleaned_data[field].strip() for field in NAME_FIELDS}


def _https_links(field, **kwargs):
    """Form fields of a model form, where a link typed without a scheme ("instagram.com/aksu") means https."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class CityForm(forms.ModelForm):
    class Meta:
        model = City
        formfield_callback = _https_links
        fields = [
            "slug",
            "name_kk",
            "name_ru",
            "name_en",
            "programme_kk",
            "programme_ru",
            "programme_en",
            "about_kk",
            "about_ru",
            "about_en",
            "email",
            "phones",
            "instagram",
            "odnoklassniki",
            "telegram",
            "whatsapp",
            "facebook",
            "vk",
        ]
        error_messages = {
            "slug": {
                "required": _("Enter the address name, e.g. aksu."),
                "unique": _("Another city already uses this address name."),
            },
            **{f: {"required": _("Enter the name in this language.")} for f in NAME_FIELDS},
        }


class StaffRoleForm(forms.Form):
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=32,
        help_text=_("The person signs in with this number; create their staff password with manage.py create_staff."),
        error_messages={"required": _("Enter the phone number.")},
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(Role.COORDINATOR.value, Role.COORDINATOR.label), (Role.EXPERT.value, Role.EXPERT.label)],
    )

    def clean_phone(self):
        phone = normalize_phone(self.cleaned_data["phone"])
        if phone is None:
            raise forms.ValidationError(
                _("Enter a Kazakhstan mobile number, for example +7 701 234 56 78 or 8 701 234 56 78.")
            )
        user = User.objects.filter(phone=phone).first()
        if user is None:
            raise forms.ValidationError(_("Nobody has an account with this phone number yet."))
        return user
