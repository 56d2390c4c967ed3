-- stays: inpatient care episodes (vårdtillfällen) up to the reference date, with ward transfers merged.
-- Every inpatient encounter starting on or before the reference date takes part, planned or not. Per person the
-- encounters are ordered by a complete key (start_at, end_at, source_system, encounter_id), so the result never
-- depends on row order. An encounter continues the stay before it when it
--   * starts before the latest end so far of that stay (overlap; an ongoing encounter, end_at NULL, overlaps
--     everything after it), or
--   * starts on the calendar day the previous encounter ended and that one ended with disposition other_unit
--     (a same-day transfer between wards or hospitals).
-- A same-day new admission after a discharge home is a new stay (and a readmission after 0 days).
-- A stay takes planned, unit and main diagnosis from its first encounter; it ends at the latest end of its
-- encounters (NULL while any is ongoing) and has died = TRUE when any encounter ended with disposition deceased.
-- stay_id numbers a person's stays 1, 2, … in time order.
WITH inpatient AS (
    SELECT
        e.pseudonym,
        e.source_system,
        e.encounter_id,
        e.start_at,
        e.end_at,
        e.planned,
        e.main_diagnosis,
        e.discharge_disposition,
        max(COALESCE(e.end_at, TIMESTAMP '9999-12-31 00:00:00')) OVER (
            PARTITION BY e.pseudonym
            ORDER BY e.start_at, e.end_at, e.source_system, e.encounter_id
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ) AS previous_max_end,
        lag(e.end_at) OVER (
            PARTITION BY e.pseudonym ORDER BY e.start_at, e.end_at, e.source_system, e.encounter_id
        ) AS previous_end,
        lag(e.discharge_disposition) OVER (
            PARTITION BY e.pseudonym ORDER BY e.start_at, e.end_at, e.source_system, e.encounter_id
        ) AS previous_disposition
    FROM encounters AS e
    WHERE e.care_type = 'inpatient'
      AND CAST(e.start_at AS DATE) <= $reference_date
),
marked AS (
    SELECT
        *,
        CASE
            WHEN previous_max_end IS NULL THEN 1
            WHEN start_at < previous_max_end THEN 0
            WHEN CAST(start_at AS DATE) = CAST(previous_end AS DATE)
                 AND previous_disposition = 'other_unit' THEN 0
            ELSE 1
        END AS starts_stay
    FROM inpatient
),
numbered AS (
    SELECT
        *,
        sum(starts_stay) OVER (
            PARTITION BY pseudonym
            ORDER BY start_at, end_at, source_system, encounter_id
            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
        ) AS stay_id
    FROM marked
)
SELECT
    pseudonym,
    stay_id,
    min(start_at) AS start_at,
    CASE WHEN count(end_at) = count(*) THEN max(end_at) END AS end_at,
    max(CASE WHEN starts_stay = 1 THEN CASE WHEN planned THEN 1 ELSE 0 END END) = 1 AS planned,
    max(CASE WHEN starts_stay = 1 THEN main_diagnosis END) AS main_diagnosis,
    max(CASE WHEN discharge_disposition = 'deceased' THEN 1 ELSE 0 END) = 1 AS died,
    count(*) AS encounters
FROM numbered
GROUP BY pseudonym, stay_id
