-- persons: the population at the reference date, one row per pseudonym.
-- The newest extract row of each person wins (ties broken by the remaining columns, so row order never
-- matters). Persons who died before the reference date are left out; a person who dies on it is still in.
-- age = completed years at the reference date: the birthday itself counts, so a person born 1959-06-01 is 65
-- on 2024-06-01. A person born on 29 February becomes a year older on 1 March in a non-leap year.
WITH ranked AS (
    SELECT
        p.*,
        row_number() OVER (
            PARTITION BY p.pseudonym
            ORDER BY p.extract_date DESC, p.birth_date, p.date_of_death, p.municipality_code, p.listed_unit_hsa, p.sex
        ) AS rn
    FROM population AS p
)
SELECT
    pseudonym,
    birth_date,
    sex,
    municipality_code,
    listed_unit_hsa,
    date_of_death,
    EXTRACT(YEAR FROM $reference_date) - EXTRACT(YEAR FROM birth_date)
        - CASE
            WHEN EXTRACT(MONTH FROM $reference_date) * 100 + EXTRACT(DAY FROM $reference_date)
                < EXTRACT(MONTH FROM birth_date) * 100 + EXTRACT(DAY FROM birth_date)
            THEN 1 ELSE 0
        END AS age
FROM ranked
WHERE rn = 1
  AND (date_of_death IS NULL OR date_of_death >= $reference_date)
