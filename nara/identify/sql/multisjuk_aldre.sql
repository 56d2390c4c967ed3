-- Multisjuka äldre (Socialstyrelsen): at least min_stays inpatient stays and at least min_diagnoses different
-- diagnoses in the window, persons aged min_age (75) or more.
-- Stays: inpatient stays (ward transfers merged, see stays) starting in the window, planned or not.
-- Diagnoses: distinct three-character ICD-10 categories among main and secondary diagnoses of inpatient and
-- specialist outpatient encounters starting in the window (the care the national patient register covers).
-- External causes (V01–Y98) and contact reasons (Z00–Z99) are not diseases and are not counted.
WITH stay_counts AS (
    SELECT s.pseudonym, count(*) AS stays
    FROM stays AS s
    WHERE s.pseudonym IN (SELECT pseudonym FROM persons WHERE age >= $min_age)
      AND CAST(s.start_at AS DATE) > CAST($reference_date - INTERVAL ($window_months) MONTH AS DATE)
      AND CAST(s.start_at AS DATE) <= $reference_date
    GROUP BY s.pseudonym
),
window_encounters AS (
    SELECT e.pseudonym, e.main_diagnosis, e.secondary_diagnoses
    FROM encounters AS e
    WHERE e.care_type IN ('inpatient', 'specialist_outpatient')
      AND CAST(e.start_at AS DATE) > CAST($reference_date - INTERVAL ($window_months) MONTH AS DATE)
      AND CAST(e.start_at AS DATE) <= $reference_date
      AND e.pseudonym IN (SELECT pseudonym FROM stay_counts)
),
codes AS (
    SELECT pseudonym, main_diagnosis AS code FROM window_encounters
    UNION ALL
    SELECT pseudonym, unnest(secondary_diagnoses) AS code FROM window_encounters
),
diagnosis_counts AS (
    SELECT pseudonym, count(DISTINCT substr(code, 1, 3)) AS diagnoses
    FROM codes
    WHERE code IS NOT NULL AND substr(code, 1, 1) < 'V'
    GROUP BY pseudonym
)
SELECT
    p.pseudonym,
    sc.stays AS value,
    COALESCE(dc.diagnoses, 0) AS diagnoses,
    sc.stays >= $min_stays AND COALESCE(dc.diagnoses, 0) >= $min_diagnoses AS flagged
FROM stay_counts AS sc
JOIN persons AS p ON p.pseudonym = sc.pseudonym
LEFT JOIN diagnosis_counts AS dc ON dc.pseudonym = sc.pseudonym
WHERE p.age >= $min_age
