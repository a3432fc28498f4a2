"""DSGVO record of access: each page that showed candidates' personal data is recorded."""
from django.conf import settings
from django.db import DatabaseError

from .services import record_candidate_access


class CandidateDataAccessMiddleware:
    """Record who was shown candidates' personal data: a successful GET of a view named in
    settings.CANDIDATE_DATA_VIEWS by a signed-in user (who, when, which notice, which candidates), unless the
    view set `request.candidate_data_shown = False` (the access policy's `notice.candidates` refused). A view
    that names the unerased candidates it showed (`request.candidate_ids_shown`) saves the query for them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 200 or request.method != "GET":
            return response
        match = getattr(request, "resolver_match", None)
        view_name = match.view_name if match else ""
        if view_name not in getattr(settings, "CANDIDATE_DATA_VIEWS", ()):
            return response
        # a view that showed only aggregates (PS-2.6: the head on a notice it is not involved in) says so
        if getattr(request, "candidate_data_shown", True) is False:
            return response
        try:
            user = getattr(request, "user", None)
            if user is None or not user.is_authenticated:
                return response
        except DatabaseError:  # the database went away: nothing to record
            return response
        notice_id = match.kwargs.get("pk") or match.kwargs.get("object_id") or match.kwargs.get("notice_id")
        if notice_id is not None:
            record_candidate_access(user=user, notice_id=notice_id, view=view_name,
                                    candidate_ids=getattr(request, "candidate_ids_shown", None))
        return response
