from django import forms
from django.utils.translation import gettext_lazy as _

from .models import NewsItem


class NewsForm(forms.ModelForm):
    new_photo = forms.ImageField(label=_("Photo"), required=False)
    publish = forms.BooleanField(label=_("Published"), required=False)

    class Meta:
        model = NewsItem
        fields = ["title_kk", "title_ru", "title_en", "body_kk", "body_ru", "body_en", "photo_alt"]
        widgets = {f"body_{code}": forms.Textarea(attrs={"rows": 6}) for code in ("kk", "ru", "en")}

    def clean(self):
        data = super().clean()
        if not any(data.get(f"title_{code}") for code in ("kk", "ru", "en")):
            raise forms.ValidationError(_("Give a title in at least one language."))
        if data.get("new_photo") and not data.get("photo_alt"):
            self.add_error("photo_alt", _("Describe the photo for people who cannot see it."))
        return data
