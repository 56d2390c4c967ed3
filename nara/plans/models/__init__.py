"""Plans and assessments: SIP, patient contracts, CFS and structured assessments, care plans, treatment
limitations and the prepared care request. One module per area; every model is a PersonRecord (or hangs off one),
so the access gate decides who sees it by the recording organisation."""

from nara.plans.models.assessments import ConditionChange, FrailtyAssessment, StructuredAssessment
from nara.plans.models.careplans import CarePlan, MedicalReferral, PreparedCareRequest, TreatmentLimitation
from nara.plans.models.contracts import PatientContract
from nara.plans.models.sip import (
    Sip,
    SipAction,
    SipFollowUp,
    SipGoal,
    SipMeeting,
    SipMeetingResponse,
    SipOtherMeasure,
    SipParticipant,
    SipStatus,
    SipVersion,
)

__all__ = [
    "CarePlan",
    "ConditionChange",
    "FrailtyAssessment",
    "MedicalReferral",
    "PatientContract",
    "PreparedCareRequest",
    "Sip",
    "SipAction",
    "SipFollowUp",
    "SipGoal",
    "SipMeeting",
    "SipMeetingResponse",
    "SipOtherMeasure",
    "SipParticipant",
    "SipStatus",
    "SipVersion",
    "StructuredAssessment",
    "TreatmentLimitation",
]
