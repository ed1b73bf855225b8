from django.contrib import admin

from .models import Follow, Message, Preference


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "channel", "template", "status", "attempts", "next_attempt_at"]
    list_filter = ["status", "channel"]
    search_fields = ["template", "user__phone", "user__email"]
    readonly_fields = [f.name for f in Message._meta.fields]


admin.site.register(Preference)
admin.site.register(Follow)
