-- Hospital Frailty Risk Score (Gilbert et al. 2018): the sum of the points (reference table hfrs_points) of the
-- distinct three-character ICD-10 categories among main and secondary diagnoses of inpatient encounters that
-- start in the look-back window (default 24 months). Points are exact decimals, so the sum is exact and the
-- band boundaries (< 5 low, 5–15 intermediate, > 15 high) never suffer from rounding.
WITH window_encounters AS (
    SELECT e.pseudonym, e.main_diagnosis, e.secondary_diagnoses
    FROM encounters AS e
    WHERE e.care_type = 'inpatient'
      AND CAST(e.start_at AS DATE) > CAST($reference_date - INTERVAL ($window_months) MONTH AS DATE)
      AND CAST(e.start_at AS DATE) <= $reference_date
      AND e.pseudonym IN (SELECT pseudonym FROM persons WHERE age >= $min_age)
),
codes AS (
    SELECT pseudonym, main_diagnosis AS code FROM window_encounters
    UNION ALL
    SELECT pseudonym, unnest(secondary_diagnoses) AS code FROM window_encounters
),
categories AS (
    SELECT DISTINCT pseudonym, substr(code, 1, 3) AS category
    FROM codes
    WHERE code IS NOT NULL
),
scores AS (
    SELECT c.pseudonym, sum(h.points) AS score
    FROM categories AS c
    JOIN hfrs_points AS h ON h.category = c.category
    GROUP BY c.pseudonym
)
SELECT
    p.pseudonym,
    s.score AS value,
    s.score > $flag_above AS flagged
FROM scores AS s
JOIN persons AS p ON p.pseudonym = s.pseudonym
WHERE p.age >= $min_age
