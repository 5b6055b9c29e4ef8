-- The latest application of each unit inside the application window. GGZ institutions may apply all
-- year, so the window has a start (application_window_start) and no deadline; an application before
-- it is stale and ignored, as if it did not exist (contract cycle 1.1).
-- Contract ggz-2021 5 (row 1). Policy: Inkoopsystematiek > Nieuwe zorgaanbieder.
with parameters as (
    select application_window_start from policy.parameters
)

select applications.praktijk_agb, 'ggz' as discipline, max(applications.aanvraagdatum) as aanvraagdatum
from staged.applications as applications
cross join parameters
where applications.aanvraagdatum >= parameters.application_window_start
group by applications.praktijk_agb
