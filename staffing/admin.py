"""Django admin for master data, scoped by the same visibility rule as the site (selectors). Positions,
staff, vacancies and notices are read-only here: they are written only through their services.

Issue 15, point 7: not only the rows, also what the admin offers around them follows the rule: the filter
sidebars (`ScopedRelatedFieldListFilter`), the autocomplete lists (the target admin's `get_queryset`, which
Django's AutocompleteJsonView asks) and the choices of foreign keys in forms (`formfield_for_foreignkey`).
"""
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Q
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
from .ui import EstimatedCountPaginator

admin.site.site_header = _("JobAgentur EN – Verwaltung")
admin.site.site_title = _("JobAgentur EN")


# the selector of each model a filter, an autocomplete list or a form field may offer (issue 15, point 7)
VISIBLE = {
    District: selectors.districts_visible_to,
    City: selectors.cities_visible_to,
    Office: selectors.offices_visible_to,
    Organisation: selectors.organisations_visible_to,
    Position: selectors.positions_visible_to,
    User: selectors.users_visible_to,
}


def visible_related(model, user):
    """The records of `model` the user may see (VISIBLE), or None for a model that is not scoped (functions,
    cost rates: the same for every city)."""
    if access.scope_of(user).everything or model not in VISIBLE:
        return None
    return VISIBLE[model](user)


class ScopedRelatedFieldListFilter(admin.RelatedOnlyFieldListFilter):
    """Issue 15, point 7: a filter sidebar over a relation (city, district, office, organisation …) offers only
    records that occur among the rows the user sees (Django's RelatedOnlyFieldListFilter on the scoped
    `get_queryset`) and that the user's scope covers (VISIBLE): never a city of another district."""

    def field_choices(self, field, request, model_admin):
        visible = visible_related(field.related_model, request.user)
        pk_qs = model_admin.get_queryset(request).distinct().values_list(f"{self.field_path}__pk", flat=True)
        limit = Q(pk__in=pk_qs)
        if visible is not None:
            limit &= Q(pk__in=visible.values("pk"))
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(include_blank=False, limit_choices_to=limit, ordering=ordering)


class ScopedVisibleRelatedFieldListFilter(ScopedRelatedFieldListFilter):
    """Issue 16, point 6: for a changelist of very many rows (notices: a million nationwide) the sidebar offers
    the records the user's scope covers (VISIBLE: a district's staff its own cities; a superuser every city)
    without reading every row for the ones that occur (a DISTINCT over all notices on every page view)."""

    def field_choices(self, field, request, model_admin):
        visible = visible_related(field.related_model, request.user)
        limit = Q(pk__in=visible.values("pk")) if visible is not None else None
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(include_blank=False, limit_choices_to=limit, ordering=ordering)


def scoped(*names, list_filter=ScopedRelatedFieldListFilter):
    """list_filter entries: a relation gets the scoped filter; anything else (choices, booleans) stays."""
    return [(name, list_filter) if name in RELATED_FILTERS else name for name in names]


# the relation paths used in list_filter below (a test checks that no relation filter is left unscoped)
RELATED_FILTERS = {"district", "city", "office__city", "office__district", "position__office__city", "function",
                   "organisation"}


class ScopedAdmin(admin.ModelAdmin):
    """Everybody sees only what the selector for this model lets them see (the access policy's scope;
    superusers: everything). The same cut applies to the autocomplete list of this model (Django's
    AutocompleteJsonView reads `get_queryset`, then `get_search_results`) and to its filters and forms."""

    selector = None  # a function (user) -> QuerySet

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if access.scope_of(request.user).everything:
            return qs
        return qs.filter(pk__in=type(self).selector(request.user).values("pk"))

    def get_search_results(self, request, queryset, search_term):
        """Search and autocomplete never leave the scope, whatever queryset they are handed."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if not access.scope_of(request.user).everything:
            queryset = queryset.filter(pk__in=type(self).selector(request.user).values("pk"))
        return queryset, may_have_duplicates

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        visible = visible_related(db_field.related_model, request.user)
        if visible is not None:
            kwargs["queryset"] = visible
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
class DistrictAdmin(ScopedAdmin):
    selector = staticmethod(selectors.districts_visible_to)
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(City)
class CityAdmin(ScopedAdmin):
    selector = staticmethod(selectors.cities_visible_to)
    list_display = ["name", "district"]
    list_filter = scoped("district")
    search_fields = ["name"]
    autocomplete_fields = ["district"]


@admin.register(Office)
class OfficeAdmin(ScopedAdmin):
    selector = staticmethod(selectors.offices_visible_to)
    list_display = ["name", "kind", "city", "district"]
    list_filter = scoped("kind", "district", "city")
    search_fields = ["name"]
    autocomplete_fields = ["city", "district"]


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdmin):
    selector = staticmethod(selectors.organisations_visible_to)
    list_display = ["name", "kind", "city", "district"]
    list_filter = scoped("kind", "district", "city")
    search_fields = ["name"]
    autocomplete_fields = ["city", "district"]


@admin.register(Function)
class FunctionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_leadership", "requires_notice", "sort_order"]


@admin.register(Position)
class PositionAdmin(ReadOnlyScopedAdmin):
    selector = staticmethod(selectors.positions_visible_to)
    list_display = ["number", "title", "office", "function", "grade", "fte", "is_active"]
    list_filter = scoped("office__city", "function", "is_active")
    list_select_related = ["office", "function"]
    search_fields = ["number", "title"]


@admin.register(StaffMember)
class StaffMemberAdmin(ReadOnlyScopedAdmin):
    selector = staticmethod(selectors.staff_visible_to)
    list_display = ["last_name", "first_name", "office", "function", "grade", "fte", "qualification"]
    list_filter = scoped("office__city", "function", "qualification")
    list_select_related = ["office", "function"]
    search_fields = ["last_name", "first_name"]


@admin.register(Vacancy)
class VacancyAdmin(ReadOnlyScopedAdmin):
    selector = staticmethod(selectors.vacancies_visible_to)
    list_display = ["position", "vacated_on", "refilled_on", "reason"]
    list_filter = scoped("position__office__city")
    list_select_related = ["position", "position__office"]


@admin.register(PlacementNotice)
class PlacementNoticeAdmin(ReadOnlyScopedAdmin):
    """Read-only in the admin: notices change only through the workflow (staffing.services).

    Issue 16, point 6 (a million notices nationwide): sorted like the model (`-created_at, -id`, read in the
    order of the index `notice_created_idx`, no sort of all rows); one COUNT per page (no second count of all
    rows: `show_full_result_count`); the scope as a condition on the rows (`access.notice_scope_q`) instead of
    `pk IN (the selector's rows)`; the city filter offers the scope's cities without reading the rows; the
    unfiltered list of all notices (the operator's) counts from the table statistics (`EstimatedCountPaginator`)."""

    selector = staticmethod(selectors.notices_visible_to)
    list_display = ["pk", "office", "position", "state", "received_at", "period_ends_at"]
    list_filter = scoped("state", "office__city", list_filter=ScopedVisibleRelatedFieldListFilter)
    # the operator sees the whole country: a sidebar of every city (3,000 at 300 districts) made the page grow with
    # the country and is no way to choose; the operator picks the district
    national_list_filter = scoped("state", "office__district", list_filter=ScopedVisibleRelatedFieldListFilter)
    list_select_related = ["office", "position"]
    ordering = ("-created_at", "-id")

    def get_list_filter(self, request):
        """A district's people filter by their cities; the operator (scope: everything) by district."""
        return self.national_list_filter if access.scope_of(request.user).everything else self.list_filter
    show_full_result_count = False
    paginator = EstimatedCountPaginator  # the operator's view of all notices: no COUNT of a million rows

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        q = access.notice_scope_q(request.user)
        return qs if q is None else qs.filter(q)

    def get_search_results(self, request, queryset, search_term):
        """The changelist calls this on every request, also without a search: the scope as the same condition
        on the rows, not `pk IN (the selector's rows)` (at 40,000 notices that made the page's COUNT take a
        second); search and autocomplete still never leave the scope (issue 16)."""
        queryset, may_have_duplicates = admin.ModelAdmin.get_search_results(self, request, queryset, search_term)
        q = access.notice_scope_q(request.user)
        return (queryset if q is None else queryset.filter(q)), may_have_duplicates


@admin.register(AdministrativeCostCut)
class AdministrativeCostCutAdmin(ReadOnlyScopedAdmin):
    """Read-only in the admin: the ledger changes only by the district's decisions (staffing.services)."""

    selector = staticmethod(selectors.cost_cuts_visible_to)
    list_display = ["pk", "city", "notice", "amount", "percent", "period_from", "period_to", "revoked_at"]
    list_filter = scoped("city")
    list_select_related = ["city", "notice"]


@admin.register(User)
class UserAdmin(ScopedAdmin, DjangoUserAdmin):
    """Accounts of the organisations in the user's scope (issue 15, point 7); superusers: all."""

    selector = staticmethod(selectors.users_visible_to)
    fieldsets = DjangoUserAdmin.fieldsets + ((_("JobAgentur EN"), {"fields": ["organisation", "is_demo"]}),)
    list_display = ["username", "get_full_name", "organisation", "is_staff", "is_demo"]
    list_filter = scoped("organisation__kind", "organisation", "is_staff", "is_demo")
    autocomplete_fields = ["organisation"]
