"""Issue 17, point 3: the record of exports, for the operator (a superuser) in the admin: read-only, nobody adds,
changes or deletes an entry there."""
from django.contrib import admin

from .models import ExportLog


@admin.register(ExportLog)
class ExportLogAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "kind", "file_format", "district", "notice", "date_from", "date_to", "rows"]
    list_filter = ["kind", "file_format"]
    date_hierarchy = "at"
    list_select_related = ["user", "district", "notice"]

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
