"""Admin of the integrations: for superusers only (accounts, substitutes and feeds span organisations)."""
from django.contrib import admin

from staffing.access import can

from .models import CalendarFeed, ExternalIdentity, Substitution


class SuperuserOnlyAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return can(request.user, "integrations.admin")

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    has_change_permission = has_add_permission = has_delete_permission = has_view_permission


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(SuperuserOnlyAdmin):
    """Links a directory or OIDC account to a user, e.g. to let an existing local account sign in by SSO."""

    list_display = ("user", "provider", "subject", "last_login_at")
    list_filter = ("provider",)
    search_fields = ("user__username", "subject")
    autocomplete_fields = ("user",)


@admin.register(Substitution)
class SubstitutionAdmin(SuperuserOnlyAdmin):
    list_display = ("absent", "substitute", "starts_on", "ends_on", "cancelled_at")
    search_fields = ("absent__username", "substitute__username")
    autocomplete_fields = ("absent", "substitute")


@admin.register(CalendarFeed)
class CalendarFeedAdmin(SuperuserOnlyAdmin):
    list_display = ("user", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "token_hash", "created_at", "last_used_at")
    fields = ("user", "token_hash", "created_at", "last_used_at", "revoked_at")

    def has_add_permission(self, request):
        return False
