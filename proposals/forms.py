"""Forms: they validate and normalise; services save."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from editions.models import Category, District

from . import conf
from .models import Proposal, Status
from .services import check_cost
from .uploads import process_upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked (type, size, real content) by uploads.process_upload."""

    def __init__(self, *args, **kwargs):
        accept = "image/jpeg,image/png,image/webp,image/gif,application/pdf"
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned, errors = [], []
        for upload in files:
            try:
                cleaned.append((upload, process_upload(upload)))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return cleaned


class ProposalForm(forms.ModelForm):
    """The resident's proposal. Every text field is optional for a draft; services check completeness on submit."""

    photos = MultipleFileField(label=_("Add photos or documents"))

    class Meta:
        model = Proposal
        fields = [
            "title",
            "summary",
            "problem",
            "description",
            "category",
            "district",
            "address",
            "latitude",
            "longitude",
            "estimated_cost",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "problem": forms.Textarea(attrs={"rows": 4}),
            "description": forms.Textarea(attrs={"rows": 8}),
            "latitude": forms.NumberInput(attrs={"step": "0.000001"}),
            "longitude": forms.NumberInput(attrs={"step": "0.000001"}),
            "estimated_cost": forms.NumberInput(attrs={"min": "0", "step": "1"}),
        }
        help_texts = {
            "summary": _("One or two sentences shown in the list of proposals."),
            "problem": _("What is wrong now, and for whom?"),
            "address": _("Street and house, or a landmark."),
            "latitude": _("Optional: pick the point on the map, or type it."),
        }

    def __init__(self, *args, edition, existing_attachments: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.edition = edition
        self.existing_attachments = existing_attachments
        self.fields["title"].required = True
        self.fields["photos"].help_text = _(
            "JPEG, PNG, WebP or GIF photos and PDF documents, up to %(mb)d MB each."
        ) % {"mb": conf.max_upload_bytes() // 2**20}
        self.fields["category"].queryset = Category.objects.filter(edition=edition)
        districts = District.objects.filter(city=edition.city)
        if edition.edition_districts.exists():
            districts = districts.filter(pk__in=edition.edition_districts.values("district_id"))
        self.fields["district"].queryset = districts
        cap = edition.proposal_cost_cap
        if cap:
            self.fields["estimated_cost"].help_text = _("In tenge; at most %(cap)s.") % {
                "cap": f"{cap:,}".replace(",", "\u00a0")
            }
            self.fields["estimated_cost"].widget.attrs["max"] = str(cap)
        else:
            self.fields["estimated_cost"].help_text = _("In tenge.")

    def clean_latitude(self):
        value = self.cleaned_data.get("latitude")
        if value is not None and not Decimal(-90) <= value <= Decimal(90):
            raise ValidationError(_("A latitude is between -90 and 90."))
        return value

    def clean_longitude(self):
        value = self.cleaned_data.get("longitude")
        if value is not None and not Decimal(-180) <= value <= Decimal(180):
            raise ValidationError(_("A longitude is between -180 and 180."))
        return value

    def clean_estimated_cost(self):
        value = self.cleaned_data.get("estimated_cost")
        try:
            check_cost(self.edition, value)
        except ValidationError as error:
            raise ValidationError(error.message_dict["estimated_cost"]) from error
        return value

    def clean_photos(self):
        photos = self.cleaned_data.get("photos") or []
        if self.existing_attachments + len(photos) > conf.max_attachments():
            raise ValidationError(
                _("A proposal may have at most %(count)d photos and documents.") % {"count": conf.max_attachments()}
            )
        return photos

    def clean(self):
        cleaned = super().clean()
        lat, lon = cleaned.get("latitude"), cleaned.get("longitude")
        if (lat is None) != (lon is None) and not self.errors.get("latitude") and not self.errors.get("longitude"):
            raise ValidationError(_("Give both the latitude and the longitude, or neither."))
        return cleaned

    def proposal_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


SORTS = {
    "newest": ("-submitted_at", "-pk"),
    "supported": ("-supports_count", "-submitted_at", "-pk"),
    "cost": ("cost", "pk"),
    "-cost": ("-cost", "-pk"),
}


class BrowseForm(forms.Form):
    """The list's search, filters and sort, all in the query string so a filtered list can be shared."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(), required=False)
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none(), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    cost_min = forms.IntegerField(label=_("Cost from, ₸"), required=False, min_value=0)
    cost_max = forms.IntegerField(label=_("Cost up to, ₸"), required=False, min_value=0)
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("newest", _("Newest first")),
            ("supported", _("Most supported")),
            ("cost", _("Cheapest first")),
            ("-cost", _("Most expensive first")),
        ],
    )

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(edition=edition)
        self.fields["district"].queryset = District.objects.filter(city=edition.city)
        self.fields["status"].choices = [("", _("Any"))] + [
            (s.value, s.label) for s in (Status.SUBMITTED, Status.IN_REVIEW, Status.FEASIBLE, Status.NOT_FEASIBLE)
        ]

    def apply(self, queryset):
        """Filter and sort; the cost is the council's ballot cost once decided, the author's estimate before."""
        queryset = queryset.annotate(cost=Coalesce("ballot_cost", "estimated_cost"))
        if not self.is_valid():
            return queryset.order_by(*SORTS["newest"])
        data = self.cleaned_data
        for word in data["q"].casefold().split()[:8]:
            queryset = queryset.filter(search_text__contains=word)
        if data["category"]:
            queryset = queryset.filter(category=data["category"])
        if data["district"]:
            queryset = queryset.filter(district=data["district"])
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["cost_min"] is not None:
            queryset = queryset.filter(cost__gte=data["cost_min"])
        if data["cost_max"] is not None:
            queryset = queryset.filter(cost__lte=data["cost_max"])
        return queryset.order_by(*SORTS.get(data["sort"] or "newest"))


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Your comment"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MergeForm(forms.Form):
    target = forms.ModelChoiceField(label=_("Merge into"), queryset=Proposal.objects.none())
    reason = forms.CharField(
        label=_("Reason (optional)"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, duplicate: Proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = (
            Proposal.objects.filter(edition=duplicate.edition, status__in=(Status.SUBMITTED, Status.IN_REVIEW))
            .exclude(pk=duplicate.pk)
            .order_by("title")
        )
        self.fields["target"].label_from_instance = lambda p: f"#{p.pk} {p.title}"
