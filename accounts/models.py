"""People: a user is identified by a phone number (+7XXXXXXXXXX); staff also have a password and TOTP."""

from datetime import date

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from .iin import age_on


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, phone: str, password: str | None = None, **fields):
        user = self.model(phone=phone, **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, phone: str, password: str | None = None, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(phone, password, **fields)


class Sex(models.TextChoices):
    MALE = "male", _("male")
    FEMALE = "female", _("female")


class User(AbstractUser):
    """A person who signs in with a phone number; `username` is replaced by `phone`."""

    username = None
    first_name = None
    last_name = None
    phone = models.CharField(_("phone number"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    district = models.ForeignKey(
        "editions.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    # The IIN itself is never stored: a keyed hash for "one person, one vote", the last digits to show,
    # and what it encodes for eligibility.
    iin_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    iin_last_digits = models.CharField(_("IIN, last digits"), max_length=4, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex, blank=True)

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or self.phone

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name

    @property
    def has_iin(self) -> bool:
        return self.iin_hash is not None

    def age_on(self, day: date) -> int | None:
        """Age in full years on a day (for an edition's minimum voting age); None until the IIN is given."""
        return age_on(self.birth_date, day) if self.birth_date else None


class SignInCode(models.Model):
    """A one-time code sent by SMS; only a keyed hash of it is kept, and it dies after a few wrong tries."""

    phone = models.CharField(_("phone number"), max_length=12, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("sent"))
    expires_at = models.DateTimeField(_("expires"))
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")

    def __str__(self) -> str:
        return f"{self.phone} {self.created_at:%Y-%m-%d %H:%M}"


class RateLimitHit(models.Model):
    """One counted event (a code sent, a password tried) under a key such as "code-ip:10.0.0.1".

    Kept in the database so every app server and both SQLite and PostgreSQL see the same counts.
    """

    key = models.CharField(max_length=100)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["key", "created_at"])]

    def __str__(self) -> str:
        return self.key
