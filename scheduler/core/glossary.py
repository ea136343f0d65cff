"""Plain-English meanings of the framework's acronyms, for invites and the report.

The framework asks for jargon-free meetings: any acronym that appears in text we write is
explained once, using this table.
"""

from __future__ import annotations

import re

GLOSSARY: dict[str, str] = {
    "SEND": "special educational needs and disabilities",
    "SEN": "special educational needs",
    "CYP": "children and young people",
    "COP": "the SEND Code of Practice (2015), the government's guidance on SEND",
    "EHCP": "education, health and care plan, a legal plan of the support a child or young person gets",
    "EHC": "education, health and care",
    "PCF": "parent carer forum",
    "WSPCF": "West Sussex Parent Carer Forum",
    "NNPCF": "National Network of Parent Carer Forums",
    "SENCO": "special educational needs co-ordinator, the teacher who leads on SEND in a school",
    "LA": "local authority (the council)",
    "ICB": "integrated care board, the NHS body that plans local health services",
    "CCG": "clinical commissioning group (the NHS body replaced by integrated care boards in 2022)",
    "CQC": "Care Quality Commission, which inspects health and care services",
    "OFSTED": "Office for Standards in Education, which inspects schools and children's services",
    "PFA": "preparing for adulthood",
    "CAMHS": "child and adolescent mental health services",
    "ADHD": "attention deficit hyperactivity disorder",
    "INSET": "in-service training day, when schools are closed to pupils",
}

# All-capitals words, plus the few acronyms usually written in title case (Ofsted).
_WORD = re.compile(r"\b(?:[A-Z]{2,6}|Ofsted)\b")


def acronyms_in(*texts: str) -> list[tuple[str, str]]:
    """The glossary entries for every acronym used in the texts, in order of first use."""
    found: dict[str, str] = {}
    for text in texts:
        for word in _WORD.findall(text or ""):
            key = word.upper()
            if key in GLOSSARY and key not in found:
                found[key] = GLOSSARY[key]
    return list(found.items())
