from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class PreferencesForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), required=False)
    email_enabled = forms.BooleanField(label=_("Send me notifications by e-mail"), required=False)
    sms_enabled = forms.BooleanField(label=_("Send me notifications by SMS"), required=False)
    language = forms.ChoiceField(label=_("Language of notifications"), choices=settings.LANGUAGES)

    def clean(self):
        data = super().clean()
        if data.get("email_enabled") and not data.get("email"):
            self.add_error("email", _("Enter an e-mail address to receive notifications by e-mail."))
        return data
