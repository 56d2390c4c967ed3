-- Mångbesökare på vårdcentralen: primary-care visits in the window, persons aged min_age or more.
-- A visit is a primary-care encounter (any vårdcentral, any profession) that is a physical or home visit;
-- phone and digital contacts count only when count_remote_contacts is true. Every encounter counts, so a
-- nurse and a physician visit on the same day are two visits.
WITH visits AS (
    SELECT e.pseudonym, count(*) AS visits
    FROM encounters AS e
    WHERE e.care_type = 'primary_care'
      AND (e.contact_form IN ('physical', 'home_visit') OR $count_remote_contacts)
      AND CAST(e.start_at AS DATE) > CAST($reference_date - INTERVAL ($window_months) MONTH AS DATE)
      AND CAST(e.start_at AS DATE) <= $reference_date
    GROUP BY e.pseudonym
)
SELECT
    p.pseudonym,
    v.visits AS value,
    v.visits > $more_than_visits AS flagged
FROM visits AS v
JOIN persons AS p ON p.pseudonym = v.pseudonym
WHERE p.age >= $min_age
