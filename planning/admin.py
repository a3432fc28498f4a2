"""Only the cost table is kept in the admin (by the district); everything else has its own pages."""
from django.contrib import admin

from .models import CostRate


@admin.register(CostRate)
class CostRateAdmin(admin.ModelAdmin):
    list_display = ["grade", "annual_cost"]
    search_fields = ["grade"]
