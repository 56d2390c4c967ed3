"""How often the demo region's residents meet health care: the rates behind the demo's encounter extract.

The numbers follow the region-scale benchmark generator (benchmarks/synthetic.py, described in
docs/performance.md), which documents them as Swedish-like: primary care about 3 contacts a year for children and
8–10 for the oldest, emergency visits rising from 0.2 to more than 1 a year, 0.05–0.8 admissions a year. They are
plausible orders of magnitude for a Swedish region, not statistics of Södra Älvsborg. Everything the demo needs
beyond the benchmark (the demo's own units, home health care for the persons on a hemsjukvård care team) is in
nara/demo/extracts.py.
"""

from __future__ import annotations

# Age bands (completed years on the extract date): (lowest, highest). Index 1..6 in SQL.
AGE_BANDS = ((0, 19), (20, 64), (65, 74), (75, 84), (85, 94), (95, 130))

# Contacts per person-year by age band, before the person's frailty multiplier:
# (primary care, emergency department, inpatient admissions, specialist outpatient). Emergency visits here are
# those not followed by an admission (ER_BEFORE_ADMISSION adds the others), so they are lower than the
# benchmark's, which counts them twice.
RATES = (
    (2.9, 0.20, 0.05, 1.4),
    (5.0, 0.22, 0.07, 2.6),
    (6.5, 0.22, 0.18, 4.4),
    (8.0, 0.30, 0.32, 5.2),
    (9.5, 0.45, 0.60, 4.2),
    (9.0, 0.60, 0.80, 2.1),
)
# Primary-care contact forms: home visits (HOME_VISIT_SHARE_85 at 85 or older, else 0.02), physical visits up to
# PHYSICAL_UPTO, phone up to PHONE_UPTO, digital the rest.
PHYSICAL_UPTO = 0.65
PHONE_UPTO = 0.90
# Share of a band's diagnoses drawn from the geriatric mix (HFRS categories and avoidable conditions).
GERIATRIC_SHARE = (0.02, 0.08, 0.35, 0.55, 0.70, 0.75)
# The geriatric share is multiplied by this for an admission's main diagnosis, so that about one stay in eight
# at 65 or older is for an avoidable condition (undvikbar slutenvård), as in Swedish data.
GERIATRIC_MAIN_INPATIENT = 0.5
FRAILTY_SIGMA = 0.7  # per-person log-normal multiplier of every rate (mean 1): over-dispersed counts
HOME_HEALTH_FRAILTY = 1.4  # persons enrolled in municipal home health care are frailer than their age band
HOME_HEALTH_VISITS_PER_WEEK = (0.5, 4.0)  # uniform range for an enrolled person
HOME_VISIT_SHARE_85 = 0.15  # primary-care contacts that are home visits at 85 or older (0.02 below)
PLANNED_ADMISSION = (0.35, 0.35, 0.20, 0.20, 0.20, 0.20)  # elective share of admissions
MEAN_LOS = (2.5, 3.0, 4.0, 5.0, 6.0, 6.0)  # mean length of stay (days) of unplanned admissions
NAVA_SHARE_75 = 0.45  # unplanned admissions at 75 or older that go to NÄVA (the ward for frail older people)
TRANSFER_SHARE = 0.08  # admissions followed by a same-day transfer to the other ward
READMISSION_SHARE = (0.04, 0.05, 0.09, 0.12, 0.15, 0.15)  # extra unplanned readmission 1–31 days later
ER_BEFORE_ADMISSION = 0.8  # unplanned admissions preceded by an emergency visit the same day
DEATH_IN_HOSPITAL = 0.40  # of deaths in the two years, the share that ends an inpatient stay
FALL_SHARE_ER = (0.05, 0.04, 0.06, 0.09, 0.13, 0.16)  # emergency visits that are a fall injury
FALL_SHARE_IP = (0.02, 0.02, 0.05, 0.09, 0.14, 0.16)  # unplanned admissions that are a fall injury
NULL_DIAGNOSIS = {"pc": 0.12, "er": 0.02, "ip": 0.0, "so": 0.05, "hh": 0.90}

# ICD-10 category mixes (relative weights). The geriatric mix also gets every HFRS category (GERIATRIC_HFRS_WEIGHT).
MIX_PC = dict(J06=8, M54=6, I10=8, Z00=5, R10=3, F32=3, F41=4, E11=4, E78=3, J20=3, N39=2, L30=2, H10=2, M17=2,
              M25=3, R05=2, K59=1, J45=2, Z76=2, R51=2, B34=2, J02=3, L03=1, M79=2, G43=1, I48=1, E03=2)
MIX_ER = dict(R10=8, R07=7, S61=3, S93=3, S01=3, J18=3, R06=3, N39=2, R55=3, I48=2, K35=1, R51=2, T78=1,
              A09=2, S62=2, R50=3, I21=1, I63=1)
MIX_IP = dict(I21=4, I50=4, J18=6, K35=3, I63=3, K80=3, C34=2, C18=2, J44=3, N39=2, I48=3, A41=2,
              K56=2, M16=3, M17=3, E11=1, F20=1, F32=1, R07=2, I26=1, K57=2)
MIX_SO = dict(M17=4, M16=3, H25=3, C50=2, E11=3, I48=2, H40=2, N40=2, M54=3, L40=2, K21=2, G35=1, I25=3, Z09=4,
              H35=2, M05=2, C61=2)
MIX_GERIATRIC = dict(I50=6, J44=5, E11=4, E86=4, J18=6, N39=5, I10=3, I20=3, N10=2, D50=2, J45=1, G40=1, K25=1,
                     H66=1, E10=1, I11=2, J20=2, J13=1, J15=2, K92=1, F03=2, Z51=1, I48=3, N18=2,
                     J10=1, K52=1, J81=1, L03=1, R56=1, I24=1)
GERIATRIC_HFRS_WEIGHT = 0.6
MIX_SECONDARY = dict(I10=10, E11=8, I48=6, I50=5, J44=4, N18=4, F03=3, E78=4, M81=3, I25=4, Z95=2, Z92=2, E66=2)
MIX_INJURY_ER = dict(S52=5, S42=4, S00=4, S01=5, S06=2, S62=3, S82=3, S92=2, S80=3, T14=3, S72=2, S22=2, S32=1)
MIX_INJURY_IP = dict(S72=10, S32=3, S22=3, S06=3, S42=3, S52=2, S82=2, T14=1, S12=1)
MIX_FALL_CAUSE = dict(W01=4, W06=2, W10=3, W18=2, W19=5, W05=1, W00=2, W03=1)  # external cause, a secondary code
PROFESSIONS_PC = dict(läkare=40, sjuksköterska=35, fysioterapeut=10, arbetsterapeut=3, undersköterska=7,
                      kurator=3, psykolog=2)
PROFESSIONS_HH = dict(sjuksköterska=60, undersköterska=25, arbetsterapeut=8, fysioterapeut=7)

# How a category is written as a code: most get a fourth character (".9" unspecified most often); these are used
# as the category alone, and a few have a usual full code of their own.
BARE_CATEGORIES = ("I10", "R54", "F03", "J22", "R69", "A09", "Z00", "Z09", "Z76", "B34", "R05", "R51")
USUAL_CODES = {"N39": "N39.0", "I48": "I48.9", "J15": "J15.9", "S72": "S72.0", "Z51": "Z51.5", "E78": "E78.5"}
