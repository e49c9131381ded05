"""Japanese and English names of the codes a notice shows.

Contracts carry stable codes only (and the Japanese names of statuses); the English
names are this service's, because it is the one that shows them. An unknown status
code is shown as the code itself rather than refused: the law adds statuses.
"""

from contracts.application import STATUS_OF_RESIDENCE_CODES, Procedure, StatusOfResidence
from services.notification.domain.model import Bilingual

PROCEDURES: dict[Procedure, Bilingual] = {
    Procedure.CERTIFICATE_OF_ELIGIBILITY: Bilingual(ja="在留資格認定証明書交付申請", en="Certificate of Eligibility"),
    Procedure.CHANGE_OF_STATUS: Bilingual(ja="在留資格変更許可申請", en="Change of status of residence"),
    Procedure.EXTENSION_OF_STAY: Bilingual(ja="在留期間更新許可申請", en="Extension of period of stay"),
    Procedure.ACQUISITION_OF_STATUS: Bilingual(ja="在留資格取得許可申請", en="Acquisition of status of residence"),
    Procedure.EMPLOYMENT_CERTIFICATE: Bilingual(ja="就労資格証明書交付申請", en="Certificate of authorized employment"),
    Procedure.REENTRY_PERMIT: Bilingual(ja="再入国許可申請", en="Re-entry permit"),
    Procedure.EXTRA_ACTIVITY_PERMISSION: Bilingual(
        ja="資格外活動許可申請", en="Permission to engage in activity other than that permitted"
    ),
}

STATUS_NAMES_EN: dict[str, str] = {
    "diplomat": "Diplomat",
    "official": "Official",
    "professor": "Professor",
    "artist": "Artist",
    "religious_activities": "Religious Activities",
    "journalist": "Journalist",
    "highly_skilled_professional": "Highly Skilled Professional",
    "business_manager": "Business Manager",
    "legal_accounting_services": "Legal/Accounting Services",
    "medical_services": "Medical Services",
    "researcher": "Researcher",
    "instructor": "Instructor",
    "engineer_humanities_international": "Engineer/Specialist in Humanities/International Services",
    "intra_company_transferee": "Intra-company Transferee",
    "nursing_care": "Nursing Care",
    "entertainer": "Entertainer",
    "skilled_labor": "Skilled Labor",
    "specified_skilled_worker": "Specified Skilled Worker",
    "technical_intern_training": "Technical Intern Training",
    "cultural_activities": "Cultural Activities",
    "temporary_visitor": "Temporary Visitor",
    "student": "Student",
    "trainee": "Trainee",
    "dependent": "Dependent",
    "designated_activities": "Designated Activities",
    "spouse_or_child_of_japanese_national": "Spouse or Child of Japanese National",
    "spouse_or_child_of_permanent_resident": "Spouse or Child of Permanent Resident",
    "long_term_resident": "Long-Term Resident",
    "permanent_resident": "Permanent Resident",
}

# Sub-types worth naming on a certificate; others are shown as their code.
_SUBTYPES: dict[tuple[str, str], Bilingual] = {
    ("technical_intern_training", "company"): Bilingual(ja="企業単独型", en="company-run type"),
    ("technical_intern_training", "supervised"): Bilingual(ja="団体監理型", en="supervised type"),
}


def procedure_label(procedure: Procedure) -> Bilingual:
    return PROCEDURES[procedure]


def status_label(status: StatusOfResidence) -> Bilingual:
    """「技能実習（団体監理型）」 / "Technical Intern Training (supervised type)"."""
    ja = STATUS_OF_RESIDENCE_CODES.get(status.code, status.code)
    en = STATUS_NAMES_EN.get(status.code, status.code)
    if status.subtype is None:
        return Bilingual(ja=ja, en=en)
    sub = _SUBTYPES.get((status.code, status.subtype), Bilingual(ja=status.subtype, en=status.subtype))
    return Bilingual(ja=f"{ja}（{sub.ja}）", en=f"{en} ({sub.en})")
