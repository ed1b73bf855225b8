"""Forms of the paper-ballot, voter-list and turnout screens: validate and normalise, never save."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from editions.models import BallotType, District

from . import ballots, eligibility
from .models import Restriction
from .paper_models import WhenBoth

_SEPARATORS = re.compile(r"[\s,;+]+")
_PAIR = re.compile(r"^(\d+)\s*[:x×=*]\s*(\d+)$")
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def parse_numbers(text: str, spec: ballots.BallotSpec) -> dict[int, int]:
    """The projects typed as their numbers on the paper ballot -> {proposal id: value}.

    Approval-like ballots: "1 4 7". Cumulative: "1:3 4:2" (number:points). Ranked: the numbers in order of
    preference, "4 1 7" meaning 4 first. Raises ValidationError naming what could not be read.
    """
    numbered = {n: p.id for n, p in enumerate(spec.projects, start=1)}
    tokens = [t for t in _SEPARATORS.split(re.sub(r"\s*([:x×=*])\s*", r"\1", text.strip())) if t]
    if not tokens:
        raise forms.ValidationError(_("Type the numbers of the chosen projects."), code="empty")
    choices: dict[int, int] = {}
    for position, token in enumerate(tokens, start=1):
        pair = _PAIR.match(token)
        if spec.ballot_type == BallotType.CUMULATIVE:
            if pair is None and token.isdigit():
                number, value = int(token), 1
            elif pair is not None:
                number, value = int(pair[1]), int(pair[2])
            else:
                raise _unreadable(token)
        else:
            if not token.isdigit():
                raise _unreadable(token)
            number = int(token)
            value = position if spec.ballot_type == BallotType.RANKED else 1
        if number not in numbered:
            raise forms.ValidationError(
                _("There is no project number %(number)s on this ballot."), code="unknown", params={"number": number}
            )
        if numbered[number] in choices:
            raise forms.ValidationError(
                _("Project number %(number)s is typed twice."), code="twice", params={"number": number}
            )
        choices[numbered[number]] = value
    return choices


def _unreadable(token: str) -> forms.ValidationError:
    return forms.ValidationError(_("Cannot read “%(token)s”."), code="unreadable", params={"token": token[:20]})


class PaperBallotForm(forms.Form):
    """One sheet, typed in with the keyboard: IIN, name, (district), project numbers, Enter."""

    iin = forms.CharField(
        label=_("IIN"),
        max_length=20,
        widget=forms.TextInput(attrs={"autofocus": True, "inputmode": "numeric", "autocomplete": "off"}),
    )
    voter_name = forms.CharField(
        label=_("Name on the ballot"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none(), required=False)
    numbers = forms.CharField(
        label=_("Project numbers"),
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    polling_point = forms.CharField(label=_("Polling point"), max_length=100, required=False)

    def __init__(self, *args, edition, split: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.edition = edition
        self.split = split
        # With a shared budget, no district means the shared ballot (the paper most polling points get).
        self.shared = bool(split) and bool(eligibility.shared_budget(edition))
        if split:
            self.fields["district"].queryset = District.objects.filter(pk__in=list(split))
            self.fields["district"].required = not self.shared
            if self.shared:
                self.fields["district"].empty_label = _("Shared budget (the other districts)")
        else:
            del self.fields["district"]
        hints = {
            BallotType.CUMULATIVE: _("Number and points, for example 3:2 5:1"),
            BallotType.RANKED: _("In order of preference, the first choice first, for example 4 1 7"),
        }
        self.fields["numbers"].help_text = hints.get(edition.ballot_type, _("For example 1 4 7"))

    def clean(self):
        cleaned = super().clean()
        district = cleaned.get("district")
        text = cleaned.get("numbers")
        if text is None or (self.split and district is None and not self.shared):
            return cleaned
        spec = ballots.ballot_for(self.edition, district if self.split else None)
        try:
            cleaned["choices"] = parse_numbers(text, spec)
        except forms.ValidationError as error:
            self.add_error("numbers", error)
        return cleaned


class ResolveForm(forms.Form):
    """Which entry matches the paper: an entry's id, or "spoiled"."""

    keep = forms.CharField(max_length=20)


class WhenBothForm(forms.Form):
    when_both = forms.ChoiceField(label=_("If a person votes both online and on paper, what counts"), choices=WhenBoth)


class VoterListForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file of IINs"),
        help_text=_("One IIN per line, in the first column; a header line is skipped."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."), code="too_big")
        return upload


class RestrictionForm(forms.Form):
    restriction = forms.ChoiceField(label=_("Who may vote"), choices=Restriction)
