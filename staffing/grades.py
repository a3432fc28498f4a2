"""Pay grades and the career tracks they presume (PS-1.1), without the database.

`normalise_grade` writes a Besoldungsgruppe or Entgeltgruppe one way ("A10", "a 10" -> "A 10";
"E9A", "eg 9a" -> "EG 9a"), so the district's table (`GradeCareerTrack`), positions and people match.
`CAREER_LEVELS` orders the tracks: a higher level satisfies a lower requirement, and a collective-agreement
qualification stands level with the civil servants' track it is equivalent to ("laufbahnrechtliche
Ausbildung oder tariflich gleichwertige Qualifikation").
`DEFAULT_CAREER_TRACKS` is the table every district starts with (NRW LVO; TVöD); the district edits it.
"""
from __future__ import annotations

import re

_GRADE = re.compile(r"^\s*(A|EG|E)\s*(\d{1,2})\s*([a-cA-C])?\s*$", re.IGNORECASE)

# the track codes (`staffing.models.CareerTrack`) and their level
LG1_FIRST, LG1_SECOND, LG2_FIRST, LG2_SECOND = "lg1_1", "lg1_2", "lg2_1", "lg2_2"
EMPLOYEE_BASIC, EMPLOYEE_ADVANCED, EMPLOYEE_UNIVERSITY = "al1", "al2", "university"
CIVIL_SERVANT_TRACKS = (LG1_FIRST, LG1_SECOND, LG2_FIRST, LG2_SECOND)
EMPLOYEE_TRACKS = (EMPLOYEE_BASIC, EMPLOYEE_ADVANCED, EMPLOYEE_UNIVERSITY)
CAREER_LEVELS = {
    LG1_FIRST: 1,
    LG1_SECOND: 2, EMPLOYEE_BASIC: 2,
    LG2_FIRST: 3, EMPLOYEE_ADVANCED: 3,
    LG2_SECOND: 4, EMPLOYEE_UNIVERSITY: 4,
}


def normalise_grade(value) -> str:
    """PS-1.1: "A10", "a 10" -> "A 10"; "E 9A", "eg9a" -> "EG 9a"; anything else stripped, spaces collapsed."""
    text = " ".join(str(value or "").split())
    match = _GRADE.match(text)
    if not match:
        return text
    prefix, number, letter = match.groups()
    prefix = "A" if prefix.upper() == "A" else "EG"
    letter = (letter or "").lower() if prefix == "EG" else (letter or "").upper()
    return f"{prefix} {int(number)}{letter}"


def is_grade(value) -> bool:
    """A Besoldungsgruppe (A …) or Entgeltgruppe (EG …) as the table keeps them."""
    return bool(_GRADE.match(" ".join(str(value or "").split())))


def is_civil_servant_grade(grade: str) -> bool:
    return normalise_grade(grade).startswith("A ")


def level(track: str) -> int:
    """The rank of a track; 0 for none."""
    return CAREER_LEVELS.get(track or "", 0)


def _rows():
    yield from ((f"A {n}", "civil_servant", LG1_FIRST) for n in (5,))
    yield from ((f"A {n}", "civil_servant", LG1_SECOND) for n in range(6, 10))   # former mittlerer Dienst
    yield from ((f"A {n}", "civil_servant", LG2_FIRST) for n in range(10, 14))  # former gehobener Dienst
    yield from ((f"A {n}", "civil_servant", LG2_SECOND) for n in range(14, 17))  # former höherer Dienst
    yield from ((f"EG {n}", "employee", EMPLOYEE_BASIC) for n in range(5, 9))
    yield from ((f"EG {g}", "employee", EMPLOYEE_ADVANCED) for g in ("9a", "9b", "9c", "10", "11", "12"))
    yield from ((f"EG {n}", "employee", EMPLOYEE_UNIVERSITY) for n in range(13, 16))


# (grade, employment, track): A 9 is the top of LG 1.2 and A 13 the top of LG 2.1, so a grade presumes the
# lowest track that reaches it; the district moves A 13 to LG 2.2 where its positions need it.
DEFAULT_CAREER_TRACKS: tuple[tuple[str, str, str], ...] = tuple(_rows())
DEFAULT_TABLE = {grade: (employment, track) for grade, employment, track in DEFAULT_CAREER_TRACKS}
