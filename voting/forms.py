"""The ballot form (its fields shaped by the ballot type) and the public receipt check."""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from editions.models import BallotType

from . import ballots


def _field_name(project_id: int) -> str:
    return f"p{project_id}"


class TickBoxes(forms.Widget):
    """A knapsack or approval ballot's check boxes, one per project, named p<id> (the ballot template draws them).

    Its value is the list of ticked project ids, read as Django reads a check box: present, and not "false" or "0".
    """

    def __init__(self, project_ids):
        super().__init__()
        self.project_ids = project_ids

    def value_from_datadict(self, data, files, name):
        ticked = []
        for pid in self.project_ids:
            value = data.get(_field_name(pid))
            if value and str(value).lower() not in ("false", "0"):
                ticked.append(pid)
        return ticked

    def value_omitted_from_data(self, data, files, name):
        return False  # no box ticked is an empty ballot, not a missing field


@dataclass(frozen=True)
class Tick:
    """One project's check box, with what the ballot template reads of a bound field."""

    html_name: str
    auto_id: str
    checked: bool

    def value(self) -> bool:
        return self.checked


class BallotForm(forms.Form):
    """A filled ballot. `cleaned_data["choices"]` is {proposal id: value}, validated by ballots.validate.

    Knapsack and approval ballots are check boxes (one field for all of them: a field per project cost 13 us each,
    and shortlists run to dozens), a single-choice ballot is radio buttons ("choice"), cumulative ballots take
    points per project, and ranked ballots a place per project (1 = first).
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
        if kind in (BallotType.KNAPSACK, BallotType.APPROVAL):
            self.fields["ticked"] = forms.Field(required=False, widget=TickBoxes([p.id for p in spec.projects]))
            return
        for project in spec.projects:
            name = _field_name(project.id)
            if kind == BallotType.CUMULATIVE:
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
        if "ticked" in self.fields:
            return dict.fromkeys(data.get("ticked") or (), 1)
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
        """(project, bound field or Tick) per project, for the template."""
        if self.spec.ballot_type == BallotType.SINGLE:
            return []
        if "ticked" in self.fields:
            ticked = set(self["ticked"].value() or ())
            return [(p, self._tick(p.id, p.id in ticked)) for p in self.spec.projects]
        return [(p, self[_field_name(p.id)]) for p in self.spec.projects]

    def _tick(self, project_id: int, checked: bool) -> Tick:
        name = _field_name(project_id)
        return Tick(name, self.auto_id % name if "%s" in str(self.auto_id) else "", checked)

    def chosen_cost(self) -> int:
        """The cost of what is ticked now, valid or not (the remaining-budget bar after "Recalculate"), or of the
        ballot the form starts from."""
        if not self.is_bound:
            return self.spec.cost_of({p.id: 1 for p, field in self.rows() if field.value()})
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
        return {"ticked": list(choices)}
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
