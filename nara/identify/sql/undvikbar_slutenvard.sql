-- Undvikbar slutenvård: inpatient stays (ward transfers merged, see stays) starting in the window whose main
-- diagnosis (that of the stay's first encounter) starts with a code in the editable list avoidable_codes
-- (reference/avoidable_hospitalisation.csv). Only unplanned stays unless only_unplanned is false.
-- A stay counts once even when its diagnosis matches several list rows.
WITH avoidable AS (
    SELECT s.pseudonym, count(*) AS stays
    FROM stays AS s
    WHERE CAST(s.start_at AS DATE) > CAST($reference_date - INTERVAL ($window_months) MONTH AS DATE)
      AND CAST(s.start_at AS DATE) <= $reference_date
      AND (NOT s.planned OR NOT $only_unplanned)
      AND EXISTS (
          SELECT 1 FROM avoidable_codes AS a WHERE s.main_diagnosis LIKE a.code || '%'
      )
    GROUP BY s.pseudonym
)
SELECT
    p.pseudonym,
    a.stays AS value,
    a.stays >= $min_stays AS flagged
FROM avoidable AS a
JOIN persons AS p ON p.pseudonym = a.pseudonym
WHERE p.age >= $min_age
