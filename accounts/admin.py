from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["phone"]
    list_display = ["phone", "name", "is_staff", "is_active"]
    search_fields = ["phone", "name"]
    # The IIN is changed only through the audited correction page, never by editing the stored parts.
    readonly_fields = ["iin_last_digits", "birth_date", "sex"]
    fieldsets = [
        (None, {"fields": ["phone", "password", "name", "email", "district", "language"]}),
        (_("IIN"), {"fields": ["iin_last_digits", "birth_date", "sex"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["phone", "password1", "password2"]})]
