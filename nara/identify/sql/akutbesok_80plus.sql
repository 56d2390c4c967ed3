-- Emergency visits at high age: persons aged min_age (80) or more with emergency-department visits in the window.
WITH visits AS (
    SELECT e.pseudonym, count(*) AS visits
    FROM encounters AS e
    WHERE e.care_type = 'emergency'
      AND CAST(e.start_at AS DATE) > CAST($reference_date - INTERVAL ($window_months) MONTH AS DATE)
      AND CAST(e.start_at AS DATE) <= $reference_date
    GROUP BY e.pseudonym
)
SELECT
    p.pseudonym,
    v.visits AS value,
    v.visits >= $min_visits AS flagged
FROM visits AS v
JOIN persons AS p ON p.pseudonym = v.pseudonym
WHERE p.age >= $min_age
