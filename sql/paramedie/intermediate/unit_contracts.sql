-- Contracts of earlier years, attached to their unit (an instelling's contracts all count for
-- its unit). Contract 4 and 6 (prior_contract).
select
    contracts.praktijk_agb,
    case when ondernemingen.is_instelling then 'instelling' else contracts.discipline end as discipline,
    contracts.ingangsdatum,
    contracts.einddatum
from staged.contracts as contracts
left join intermediate.ondernemingen_units as ondernemingen using (praktijk_agb)
