-- Acceptances attached to their unit: an instelling's acceptance counts for its single unit
-- (agb, instelling), whatever discipline it names. Contract 4 and cycle 3.
select
    acceptances.praktijk_agb,
    case when ondernemingen.is_instelling then 'instelling' else acceptances.discipline end as discipline,
    acceptances.geaccepteerd_op,
    acceptances._file,
    acceptances._line
from staged.acceptances as acceptances
left join intermediate.ondernemingen_units as ondernemingen using (praktijk_agb)
