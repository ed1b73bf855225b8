"""A city's news in Kazakh, Russian and English, with an optional photo; drafts until published."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from editions.i18n import localized
from editions.models import City


class NewsQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False, published_at__lte=timezone.now())


class NewsItem(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="news")
    title_kk = models.CharField(_("title (Kazakh)"), max_length=200, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    body_kk = models.TextField(_("text (Kazakh)"), blank=True)
    body_ru = models.TextField(_("text (Russian)"), blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)
    photo = models.ImageField(
        _("photo"), upload_to="news/%Y/%m/", blank=True, width_field="photo_width", height_field="photo_height"
    )
    photo_width = models.PositiveIntegerField(null=True, blank=True)
    photo_height = models.PositiveIntegerField(null=True, blank=True)
    photo_alt = models.CharField(_("photo description (for screen readers)"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    slug = models.SlugField(_("address name"), max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NewsQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "slug"], condition=~models.Q(slug=""), name="news_slug_once_per_city"
            ),
        ]
        verbose_name = _("news item")
        verbose_name_plural = _("news")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("news:detail", kwargs={"city_slug": self.city.slug, "pk": self.pk})

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def body(self) -> str:
        return localized(self, "body")

    @property
    def is_published(self) -> bool:
        return self.published_at is not None and self.published_at <= timezone.now()
