from django.contrib import admin

from .models import NewsItem


@admin.register(NewsItem)
class NewsItemAdmin(admin.ModelAdmin):
    list_display = ["__str__", "city", "published_at"]
    list_filter = ["city"]
