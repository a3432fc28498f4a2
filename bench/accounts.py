"""The seeded accounts the load test logs in as (bench/locustfile.py) and whose work bench/load.py tops up."""

# role mix: 6 of 10 city clerks, 2 coordination offices, 1 district administration, 1 head
ROLES = ["clerk"] * 6 + ["koordination"] * 2 + ["kreis", "leitung"]


def account(n: int, districts: int) -> tuple[str, str]:
    """The n-th simulated user's role and login, spread over the seeded districts (seed_scale's usernames)."""
    role = ROLES[n % len(ROLES)]
    district = 1 + (n * 7) % districts
    if role == "clerk":
        return role, f"d{district:03d}-c{1 + n % 10:02d}-clerk{1 + n % 2}"
    return role, f"d{district:03d}-{role}1"
