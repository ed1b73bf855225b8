"""Forms of the review screens: they validate and normalise; services make the changes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from editions.models import Role

from .models import Assessment, ExpertGroup, Recommendation
from .services import check_ballot_cost


def city_experts(city):
    from accounts.models import User

    return User.objects.filter(staff_roles__role=Role.EXPERT, staff_roles__city=city, is_active=True).distinct()


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = Assessment
        fields = [
            "legal_check",
            "technical_feasibility",
            "maintenance",
            "cost_estimate",
            "cost_explanation",
            "duration_days",
            "recommendation",
            "public_reason",
            "internal_notes",
        ]
        widgets = {
            "legal_check": forms.Textarea(attrs={"rows": 3}),
            "technical_feasibility": forms.Textarea(attrs={"rows": 3}),
            "maintenance": forms.Textarea(attrs={"rows": 3}),
            "cost_explanation": forms.Textarea(attrs={"rows": 3}),
            "recommendation": forms.RadioSelect,
            "public_reason": forms.Textarea(attrs={"rows": 3}),
            "internal_notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "cost_estimate": _("Whole tenge. Required when you recommend “feasible”: it is the cost on the ballot."),
            "public_reason": _("Shown to the public with the council's decision."),
            "internal_notes": _("Seen only by the council and coordinators; never published."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommendation"].choices = Recommendation.choices
        self.fields["cost_estimate"].widget.attrs.update({"min": 1, "inputmode": "numeric"})

    def clean(self):
        data = super().clean()
        if data.get("recommendation") == Recommendation.FEASIBLE and not data.get("cost_estimate"):
            self.add_error("cost_estimate", _("A feasible proposal needs a cost estimate."))
        return data


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("What is the conflict of interest?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: you or a relative are the author, the contractor or the land owner."),
    )


class AssignForm(forms.Form):
    experts = forms.ModelMultipleChoiceField(
        label=_("Experts"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    group = forms.ModelChoiceField(label=_("or an expert group"), queryset=None, required=False)

    def __init__(self, *args, city, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["experts"].queryset = city_experts(city)
        self.fields["group"].queryset = ExpertGroup.objects.filter(city=city)

    def clean(self):
        data = super().clean()
        if not data.get("experts") and not data.get("group"):
            raise forms.ValidationError(_("Choose at least one expert or an expert group."))
        return data


class BulkAssignForm(AssignForm):
    """The same choice of experts for several proposals at once (checked rows of the progress table)."""

    proposals = forms.ModelMultipleChoiceField(label=_("Proposals"), queryset=None)

    def __init__(self, *args, city, proposals, **kwargs):
        super().__init__(*args, city=city, **kwargs)
        self.fields["proposals"].queryset = proposals


class DecisionForm(forms.Form):
    feasible = forms.TypedChoiceField(
        label=_("The council's decision"),
        choices=[("1", _("Feasible")), ("0", _("Not feasible"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    ballot_cost = forms.IntegerField(
        label=_("Cost on the ballot, tenge"),
        min_value=1,
        required=False,
        help_text=_("Required for a feasible proposal: it replaces the resident's estimate on the ballot."),
    )
    reason = forms.CharField(label=_("Public reason"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, proposal, budget: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposal, self.budget = proposal, budget

    def clean(self):
        data = super().clean()
        if data.get("feasible") and not data.get("ballot_cost"):
            self.add_error("ballot_cost", _("A feasible proposal needs the cost that goes on the ballot."))
        elif data.get("feasible"):
            try:
                check_ballot_cost(proposal=self.proposal, ballot_cost=data["ballot_cost"], budget=self.budget)
            except forms.ValidationError as error:
                self.add_error("ballot_cost", error)
        return data


class ExpertGroupForm(forms.Form):
    name = forms.CharField(label=_("Group name"), max_length=150)
    members = forms.ModelMultipleChoiceField(label=_("Members"), queryset=None, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, city, group: ExpertGroup | None = None, **kwargs):
        if group is not None:
            kwargs.setdefault("initial", {"name": group.name, "members": list(group.members.all())})
        super().__init__(*args, **kwargs)
        self.city, self.group = city, group
        self.fields["members"].queryset = city_experts(city)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = ExpertGroup.objects.filter(city=self.city, name=name)
        if self.group is not None:
            others = others.exclude(pk=self.group.pk)
        if others.exists():
            raise forms.ValidationError(_("A group with this name already exists."))
        return name
