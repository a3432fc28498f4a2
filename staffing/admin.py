"""Django admin for master data, scoped by the same visibility rule as the site (selectors). Positions,
staff, vacancies and notices are read-only here: they are written only through their services."""
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from . import access, selectors
from .models import (
    AdministrativeCostCut,
    City,
    District,
    Function,
    Office,
    Organisation,
    PlacementNotice,
    Position,
    StaffMember,
    User,
    Vacancy,
)

admin.site.site_header = _("JobAgentur EN – Verwaltung")
admin.site.site_title = _("JobAgentur EN")


class ScopedAdmin(admin.ModelAdmin):
    """Everybody sees only what the selector for this model lets them see (the access policy's scope;
    superusers: everything)."""

    selector = None  # a function (user) -> QuerySet

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if access.scope_of(request.user).everything:
            return qs
        return qs.filter(pk__in=type(self).selector(request.user).values("pk"))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Office:
            kwargs["queryset"] = selectors.offices_visible_to(request.user)
        elif db_field.related_model is Position:
            kwargs["queryset"] = selectors.positions_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyScopedAdmin(ScopedAdmin):
    """Read-only in the admin: these records change only through their services (staffing.services for
    notices, staffing.records for positions, staff and vacancies), which hold the rules."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(City)
class CityAdmin(ScopedAdmin):
    selector = staticmethod(selectors.cities_visible_to)
    list_display = ["name", "district"]
    list_filter = ["district"]


@admin.register(Office)
class OfficeAdmin(ScopedAdmin):
    selector = staticmethod(selectors.offices_visible_to)
    list_display = ["name", "kind", "city", "district"]
    list_filter = ["kind", "district"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "city", "district"]
    list_filter = ["kind", "district"]


@admin.register(Function)
class FunctionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_leadership", "requires_notice", "sort_order"]


@admin.register(Position)
class PositionAdmin(ReadOnlyScopedAdmin):
    selector = staticmethod(selectors.positions_visible_to)
    list_display = ["number", "title", "office", "function", "grade", "fte", "is_active"]
    list_filter = ["office__city", "function", "is_active"]
    list_select_related = ["office", "function"]
    search_fields = ["number", "title"]


@admin.register(StaffMember)
class StaffMemberAdmin(ReadOnlyScopedAdmin):
    selector = staticmethod(selectors.staff_visible_to)
    list_display = ["last_name", "first_name", "office", "function", "grade", "fte", "qualification"]
    list_filter = ["office__city", "function", "qualification"]
    list_select_related = ["office", "function"]
    search_fields = ["last_name", "first_name"]


@admin.register(Vacancy)
class VacancyAdmin(ReadOnlyScopedAdmin):
    selector = staticmethod(selectors.vacancies_visible_to)
    list_display = ["position", "vacated_on", "refilled_on", "reason"]
    list_filter = ["position__office__city"]
    list_select_related = ["position", "position__office"]


@admin.register(PlacementNotice)
class PlacementNoticeAdmin(ReadOnlyScopedAdmin):
    """Read-only in the admin: notices change only through the workflow (staffing.services)."""

    selector = staticmethod(selectors.notices_visible_to)
    list_display = ["pk", "office", "position", "state", "received_at", "period_ends_at"]
    list_filter = ["state", "office__city"]
    list_select_related = ["office", "position"]


@admin.register(AdministrativeCostCut)
class AdministrativeCostCutAdmin(ReadOnlyScopedAdmin):
    """Read-only in the admin: the ledger changes only by the district's decisions (staffing.services)."""

    selector = staticmethod(selectors.cost_cuts_visible_to)
    list_display = ["pk", "city", "notice", "amount", "percent", "period_from", "period_to", "revoked_at"]
    list_filter = ["city"]
    list_select_related = ["city", "notice"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = DjangoUserAdmin.fieldsets + ((_("JobAgentur EN"), {"fields": ["organisation", "is_demo"]}),)
    list_display = ["username", "get_full_name", "organisation", "is_staff", "is_demo"]
    list_filter = ["organisation__kind", "is_staff", "is_demo"]
