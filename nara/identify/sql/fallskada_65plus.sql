-- Fall injuries: encounters of any care type starting in the window with an injury diagnosis (S00–T14) and a
-- fall as external cause (W00–W19) among their main and secondary diagnoses, persons aged min_age or more.
-- value = number of distinct calendar days with such an encounter, so an emergency visit and the admission
-- that follows it on the same day are one fall.
WITH window_encounters AS (
    SELECT e.pseudonym, e.source_system, e.encounter_id, CAST(e.start_at AS DATE) AS day,
           e.main_diagnosis, e.secondary_diagnoses
    FROM encounters AS e
    WHERE CAST(e.start_at AS DATE) > CAST($reference_date - INTERVAL ($window_months) MONTH AS DATE)
      AND CAST(e.start_at AS DATE) <= $reference_date
      AND e.pseudonym IN (SELECT pseudonym FROM persons WHERE age >= $min_age)
),
codes AS (
    SELECT pseudonym, source_system, encounter_id, day, substr(main_diagnosis, 1, 3) AS category
    FROM window_encounters
    UNION ALL
    SELECT pseudonym, source_system, encounter_id, day, substr(unnest(secondary_diagnoses), 1, 3) AS category
    FROM window_encounters
),
fall_encounters AS (
    SELECT pseudonym, day
    FROM codes
    WHERE category BETWEEN 'S00' AND 'T14' OR category BETWEEN 'W00' AND 'W19'
    GROUP BY pseudonym, source_system, encounter_id, day
    HAVING max(CASE WHEN category BETWEEN 'S00' AND 'T14' THEN 1 ELSE 0 END) = 1
       AND max(CASE WHEN category BETWEEN 'W00' AND 'W19' THEN 1 ELSE 0 END) = 1
),
falls AS (
    SELECT pseudonym, count(DISTINCT day) AS days
    FROM fall_encounters
    GROUP BY pseudonym
)
SELECT
    p.pseudonym,
    f.days AS value,
    f.days >= $min_days AS flagged
FROM falls AS f
JOIN persons AS p ON p.pseudonym = f.pseudonym
WHERE p.age >= $min_age
