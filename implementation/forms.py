from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from editions.models import Category, District

from .models import ImplementationRecord, PhotoStage, Status


class RecordForm(forms.ModelForm):
    """One row of the coordinator screen; a blank progress takes the status's default."""

    progress = forms.IntegerField(label=_("Progress, %"), min_value=0, max_value=100, required=False)

    class Meta:
        model = ImplementationRecord
        fields = [
            "status",
            "progress",
            "cancel_reason",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "contractor",
            "budget_allocated",
            "budget_spent",
        ]
        widgets = {
            "planned_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "planned_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "actual_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "actual_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "cancel_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self):
        data = super().clean()
        if data.get("status") == Status.CANCELLED and not (data.get("cancel_reason") or "").strip():
            self.add_error("cancel_reason", _("Give the public reason for cancelling the project."))
        return data


class MilestoneForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    language = forms.ChoiceField(label=_("Language of the text"), choices=settings.LANGUAGES)
    photo_before = forms.ImageField(label=_("Photo before the works"), required=False)
    photo_during = forms.ImageField(label=_("Photo during the works"), required=False)
    photo_after = forms.ImageField(label=_("Photo after the works"), required=False)
    caption = forms.CharField(label=_("Caption of the photos"), max_length=200, required=False)

    def milestone_fields(self) -> dict:
        """What was typed and uploaded, as the keyword arguments of services.add_milestone / update_milestone."""
        data = self.cleaned_data
        fields = {name: data[name] for name in ("date", "title", "text", "language")}
        return {**fields, "photos": self.photos()}

    def photos(self) -> list:
        caption = self.cleaned_data.get("caption", "")
        return [
            (stage, self.cleaned_data[f"photo_{stage}"], caption)
            for stage in PhotoStage.values
            if self.cleaned_data.get(f"photo_{stage}")
        ]


class MilestoneEditForm(MilestoneForm):
    """A milestone being corrected: its fields, new photos, and which of its photos to take away."""

    remove_photos = forms.TypedMultipleChoiceField(
        label=_("Remove these photos"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, milestone, **kwargs):
        kwargs.setdefault(
            "initial",
            {"date": milestone.date, "title": milestone.title, "text": milestone.text, "language": milestone.language},
        )
        super().__init__(*args, **kwargs)
        photos = list(milestone.photos.all())
        if photos:
            self.fields["remove_photos"].choices = [
                (photo.pk, f"{photo.get_stage_display()}: {photo.caption or photo.image.name.rsplit('/', 1)[-1]}")
                for photo in photos
            ]
        else:
            del self.fields["remove_photos"]

    def milestone_fields(self) -> dict:
        return {**super().milestone_fields(), "remove_photos": self.cleaned_data.get("remove_photos", [])}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or Excel file (as exported)"))


class FilterForm(forms.Form):
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none(), required=False)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none(), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All"))] + list(Status.choices), required=False)

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.filter(city=edition.city)
        self.fields["district"].empty_label = _("All")
        self.fields["category"].queryset = Category.objects.filter(edition=edition)
        self.fields["category"].empty_label = _("All")
