"""The ballot form (one field per project, shaped by the ballot type) and the public receipt check."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from editions.models import BallotType

from . import ballots


def _field_name(project_id: int) -> str:
    return f"p{project_id}"


class BallotForm(forms.Form):
    """A filled ballot. `cleaned_data["choices"]` is {proposal id: value}, validated by ballots.validate.

    Knapsack and approval ballots are check boxes, a single-choice ballot is radio buttons ("choice"),
    cumulative ballots take points per project, and ranked ballots a place per project (1 = first).
    """

    def __init__(self, *args, spec: ballots.BallotSpec, **kwargs):
        super().__init__(*args, **kwargs)
        self.spec = spec
        kind = spec.ballot_type
        if kind == BallotType.SINGLE:
            self.fields["choice"] = forms.TypedChoiceField(
                label=_("Your project"),
                choices=[(p.id, p.title) for p in spec.projects],
                coerce=int,
                required=False,
                widget=forms.RadioSelect,
            )
            return
        for project in spec.projects:
            name = _field_name(project.id)
            if kind in (BallotType.KNAPSACK, BallotType.APPROVAL):
                self.fields[name] = forms.BooleanField(label=project.title, required=False)
            elif kind == BallotType.CUMULATIVE:
                self.fields[name] = forms.IntegerField(
                    label=project.title, required=False, min_value=0, max_value=spec.points or 1000
                )
            else:
                places = spec.max_choices or len(spec.projects)
                self.fields[name] = forms.TypedChoiceField(
                    label=project.title,
                    choices=[("", "—"), *((n, n) for n in range(1, places + 1))],
                    coerce=int,
                    empty_value=None,
                    required=False,
                )

    def raw_choices(self) -> dict[int, int]:
        data = self.cleaned_data
        if self.spec.ballot_type == BallotType.SINGLE:
            return {data["choice"]: 1} if data.get("choice") else {}
        values = {}
        for project in self.spec.projects:
            value = data.get(_field_name(project.id))
            if value:
                values[project.id] = int(value)
        return values

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            data["choices"] = ballots.validate(self.spec, self.raw_choices())
        except ballots.BallotInvalid as invalid:
            raise ValidationError(invalid.message, code=invalid.code) from None
        return data

    def rows(self):
        """(project, bound field) per project, for the template."""
        if self.spec.ballot_type == BallotType.SINGLE:
            return []
        return [(p, self[_field_name(p.id)]) for p in self.spec.projects]

    def chosen_cost(self) -> int:
        """The cost of what is ticked now, valid or not: the remaining-budget bar after "Recalculate"."""
        if not self.is_bound:
            return 0
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        try:
            return self.spec.cost_of(self.raw_choices())
        except (KeyError, AttributeError):
            return 0


def initial_from(spec: ballots.BallotSpec, choices: dict[int, int]) -> dict:
    """A form's initial values from a stored ballot, so a voter changing their vote starts from it."""
    if spec.ballot_type == BallotType.SINGLE:
        return {"choice": next(iter(choices), None)}
    if spec.ballot_type in (BallotType.KNAPSACK, BallotType.APPROVAL):
        return {_field_name(pid): True for pid in choices}
    return {_field_name(pid): value for pid, value in choices.items()}


def hidden_data(spec: ballots.BallotSpec, choices: dict[int, int]) -> list[tuple[str, int]]:
    """The reviewed choices as (field name, value) pairs, carried as hidden inputs to the confirm step."""
    if spec.ballot_type == BallotType.SINGLE:
        return [("choice", pid) for pid in choices]
    if spec.ballot_type in (BallotType.KNAPSACK, BallotType.APPROVAL):
        return [(_field_name(pid), "on") for pid in choices]
    return [(_field_name(pid), value) for pid, value in choices.items()]


class ReceiptForm(forms.Form):
    code = forms.CharField(
        label=_("Receipt code"),
        max_length=40,
        help_text=_("The code shown after you voted, e.g. 7K2M-QX9D-41TB."),
    )
