"""Demo requirements: the demo health board's posts require the shipped frameworks."""

from django.db import transaction

from competencies.models import Competency, PostRequirement
from competencies.shipped import load_shipped_frameworks
from ksf.models import Post

# (post title contains, framework idnumber, competency idnumbers or None for all leaves,
#  mandatory, months allowed)
DEMO_REQUIREMENTS = [
    ("MSK first contact practitioner", "MSK-CORE-CAP", None, True, 18),
    ("Specialist physiotherapist", "MSK-CORE-CAP", ["MSK-3", "MSK-4", "MSK-11"], True, 12),
    ("Advanced physiotherapy practitioner", "MSK-CORE-CAP", None, True, 12),
    ("Advanced physiotherapy practitioner", "RPS-PRESCRIBING", None, False, 24),
    ("Advanced physiotherapy practitioner", "MSK-POCUS", ["US-SH-D", "US-KN-D"], False, 18),
    ("Clinical lead physiotherapist", "MSK-CORE-CAP", ["MSK-1", "MSK-2", "MSK-14"], True, 12),
]


@transaction.atomic
def add_demo_requirements() -> int:
    frameworks = {f.idnumber: f for f in load_shipped_frameworks()}
    # The practice-education lead looks after the local ultrasound scope.
    from django.contrib.auth.models import User

    from competencies.permissions import grant_framework

    educator = User.objects.filter(username="educator").first()
    if educator is not None:
        pocus = frameworks["MSK-POCUS"]
        pocus.owner = educator
        pocus.save(update_fields=["owner"])
        grant_framework(pocus, educator)
    made = 0
    for title, fw_id, idnumbers, mandatory, months in DEMO_REQUIREMENTS:
        framework = frameworks[fw_id]
        competencies = Competency.objects.filter(framework=framework)
        competencies = (
            competencies.filter(idnumber__in=idnumbers)
            if idnumbers
            else competencies.filter(depth=2)
        )
        for post in Post.objects.filter(title=title, service__code__in=["MSK", "CPH"]):
            for competency in competencies:
                _, created = PostRequirement.objects.get_or_create(
                    post=post,
                    competency=competency,
                    defaults={"mandatory": mandatory, "months_allowed": months},
                )
                made += created
    return made
