"""issue 17, point 4: the operator reads the stored accessibility feedback in the admin; nobody edits it."""
from django.contrib import admin

from .models import Feedback


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ("created_at", "page_url", "name", "email", "mailed_at")
    list_filter = ("mailed_at",)
    search_fields = ("message", "page_url")
    readonly_fields = ("created_at", "name", "email", "message", "page_url", "mailed_at")
    exclude = ("client_key",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
