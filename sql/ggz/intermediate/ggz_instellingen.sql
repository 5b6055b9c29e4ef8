-- Ondernemingen in the AGB register whose zorgsoort makes them a GGZ-instelling (policy parameter
-- ggz_zorgsoorten: 54, 72, 79, 25). Contract ggz-2021 4 (units).
with parameters as (
    select ggz_zorgsoorten from policy.parameters
)

select ondernemingen.agb_code as instelling_agb
from staged.ondernemingen as ondernemingen
cross join parameters
where list_contains(parameters.ggz_zorgsoorten, ondernemingen.zorgsoort)
