"""Template helpers of the planning app."""
from django import template

from staffing.qualification import check_qualification

register = template.Library()


@register.simple_tag
def qualification_results(candidate, function, person=None):
    """PS-1.1 to PS-1.3: `{% qualification_results candidate function [person] as results %}`."""
    person = candidate or person
    if not person or not function:
        return []
    return check_qualification(person, function)
