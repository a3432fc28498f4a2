"""Template helpers of the planning app: the qualification advice of the core, for the staff register."""
from django import template

from staffing.templatetags.qualification import qualification_results

register = template.Library()
register.simple_tag(qualification_results)
