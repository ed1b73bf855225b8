from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_logged_out
        from django.db.models.signals import post_delete, post_save

        from .backends import forget_signed_out, forget_user, remember_signed_in
        from .models import User

        post_save.connect(forget_user, sender=User, dispatch_uid="accounts.forget_user.save")
        post_delete.connect(forget_user, sender=User, dispatch_uid="accounts.forget_user.delete")
        user_logged_in.connect(remember_signed_in, dispatch_uid="accounts.remember_signed_in")
        user_logged_out.connect(forget_signed_out, dispatch_uid="accounts.forget_signed_out")
