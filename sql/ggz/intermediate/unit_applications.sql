-- The latest application of each unit. GGZ institutions may apply all year, so there is no
-- deadline. Contract ggz-2021 5 (row 1). Policy: Inkoopsystematiek > Nieuwe zorgaanbieder.
select praktijk_agb, 'ggz' as discipline, max(aanvraagdatum) as aanvraagdatum
from staged.applications
group by praktijk_agb
