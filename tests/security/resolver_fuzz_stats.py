"""Counts of the resolver fuzz (tests/security/test_issue15_resolver_fuzz.py), printed at the end of the run
by `pytest_terminal_summary` in tests/conftest.py (issue 15: the request count is part of the acceptance)."""
REQUESTS: dict[str, int] = {}
SERVER_ERRORS: dict[str, int] = {}


def count(vendor: str) -> None:
    REQUESTS[vendor] = REQUESTS.get(vendor, 0) + 1


def server_error(vendor: str = "") -> None:
    SERVER_ERRORS[vendor] = SERVER_ERRORS.get(vendor, 0) + 1


def summary_lines() -> list[str]:
    return [f"resolver fuzz: {n:,} requests, {SERVER_ERRORS.get(vendor, 0):,} server errors ({vendor})"
            for vendor, n in sorted(REQUESTS.items())]
