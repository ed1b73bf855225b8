"""Filters for the staff view of the audit log; each narrows the entries the person may already see."""

from datetime import datetime, time, timedelta

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from editions.models import Edition


class AuditFilterForm(forms.Form):
    edition = forms.ModelChoiceField(
        label=_("Edition"), queryset=Edition.objects.none(), required=False, empty_label=_("All editions")
    )
    actor = forms.CharField(label=_("Who (phone or name)"), max_length=150, required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, editions, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edition"].queryset = editions.select_related("city")
        actions = entries.order_by("action").values_list("action", flat=True).distinct()
        self.fields["action"].choices = [("", _("All actions")), *((a, a) for a in actions)]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filter(self, entries):
        """Apply the valid filters; dates are whole local days."""
        data = self.cleaned_data
        if data.get("edition"):
            entries = entries.filter(edition_id=data["edition"].pk)
        if data.get("actor"):
            actor = data["actor"].strip()
            entries = entries.filter(Q(actor__phone__icontains=actor) | Q(actor__name__icontains=actor))
        if data.get("action"):
            entries = entries.filter(action=data["action"])
        if data.get("date_from"):
            entries = entries.filter(created_at__gte=_day_start(data["date_from"]))
        if data.get("date_to"):
            entries = entries.filter(created_at__lt=_day_start(data["date_to"] + timedelta(days=1)))
        return entries


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))
