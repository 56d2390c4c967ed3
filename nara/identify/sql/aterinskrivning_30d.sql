-- Unplanned readmission within 30 days. Built on stays (inpatient encounters with ward transfers merged).
-- An index stay is an unplanned stay that has ended and did not end in death. A readmission is an unplanned
-- stay that starts 0–readmission_days calendar days after the end date of the person's latest earlier index
-- stay. value = number of readmissions starting in the window; the index stay may lie before the window.
WITH ordered AS (
    SELECT
        s.pseudonym,
        s.stay_id,
        s.start_at,
        s.planned,
        max(CASE WHEN NOT s.planned AND NOT s.died AND s.end_at IS NOT NULL
                 THEN CAST(s.end_at AS DATE) END) OVER (
            PARTITION BY s.pseudonym
            ORDER BY s.stay_id
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ) AS last_index_end
    FROM stays AS s
),
readmissions AS (
    SELECT o.pseudonym, count(*) AS readmissions
    FROM ordered AS o
    WHERE NOT o.planned
      AND o.last_index_end IS NOT NULL
      AND CAST(o.start_at AS DATE) - o.last_index_end BETWEEN 0 AND $readmission_days
      AND CAST(o.start_at AS DATE) > CAST($reference_date - INTERVAL ($window_months) MONTH AS DATE)
      AND CAST(o.start_at AS DATE) <= $reference_date
    GROUP BY o.pseudonym
)
SELECT
    p.pseudonym,
    r.readmissions AS value,
    r.readmissions >= $min_readmissions AS flagged
FROM readmissions AS r
JOIN persons AS p ON p.pseudonym = r.pseudonym
WHERE p.age >= $min_age
