"""Safe transitions (issue 5): discharge cases under Lag (2017:612), agreements and payment days, trygg hemgång,
and enrolment in kommunal hemsjukvård."""

from nara.transitions.models.agreements import (
    Agreement,
    DayPrice,
    FollowUpRule,
    StatementLine,
    StatementMonth,
)
from nara.transitions.models.cases import (
    CaseEvent,
    CaseStatus,
    DischargeCase,
    FollowUpTask,
    PlanningInfo,
    ReadyNotice,
    Receipt,
)
from nara.transitions.models.enrolment import (
    EnrolmentReview,
    EnrolmentStatus,
    HomeHealthEnrolment,
    PhysicianVisit,
)

__all__ = [
    "Agreement",
    "CaseEvent",
    "CaseStatus",
    "DayPrice",
    "DischargeCase",
    "EnrolmentReview",
    "EnrolmentStatus",
    "FollowUpRule",
    "FollowUpTask",
    "HomeHealthEnrolment",
    "PhysicianVisit",
    "PlanningInfo",
    "ReadyNotice",
    "Receipt",
    "StatementLine",
    "StatementMonth",
]
