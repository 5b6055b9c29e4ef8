-- Applications attached to their unit (an instelling's applications all count for its unit).
-- Contract 4 and 6 (applied).
select
    applications.praktijk_agb,
    case when ondernemingen.is_instelling then 'instelling' else applications.discipline end as discipline,
    applications.aanvraagdatum
from staged.applications as applications
left join intermediate.ondernemingen_units as ondernemingen using (praktijk_agb)
