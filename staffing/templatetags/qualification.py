"""`{% qualification_results candidate function [person] as results %}`: the qualification standards
PS-1.1 to PS-1.3 as advice, for a candidate of a notice or a member of the staff register."""
from django import template

from staffing.qualification import check_qualification

register = template.Library()


@register.simple_tag
def qualification_results(candidate, function, person=None):
    """PS-1.1 to PS-1.3: the results of `check_qualification` for the candidate (or the person)."""
    person = candidate or person
    if not person or not function:
        return []
    return check_qualification(person, function)
