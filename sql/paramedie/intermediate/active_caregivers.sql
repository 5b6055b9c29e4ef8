-- The active caregivers of each onderneming: zorgverleners valid on the peildatum with a
-- relatie valid on the peildatum at an active vestiging. One row per caregiver and
-- discipline; discipline is empty for a caregiver whose zorgsoort maps to none.
-- Contract 4 and 5 ("active caregivers").
with parameters as (
    select peildatum from policy.parameters
),

valid_relaties as (
    select relaties.zorgverlener_agb, relaties.vestiging_agb
    from staged.relaties as relaties
    cross join parameters
    where relaties.aanvang <= parameters.peildatum
        and (relaties.einde is null or relaties.einde >= parameters.peildatum)
),

valid_zorgverleners as (
    select zorgverleners.*
    from staged.zorgverleners as zorgverleners
    cross join parameters
    where zorgverleners.aanvang <= parameters.peildatum
        and (zorgverleners.einde is null or zorgverleners.einde >= parameters.peildatum)
),

at_active_vestigingen as (
    select distinct vestigingen.onderneming_agb, valid_relaties.zorgverlener_agb
    from valid_relaties
    join intermediate.active_vestigingen as vestigingen using (vestiging_agb)
)

select
    at_active_vestigingen.onderneming_agb,
    zorgverleners.zorgverlener_agb,
    caregiver_disciplines.discipline,
    zorgverleners.achternaam,
    zorgverleners.zorgsoort,
    zorgverleners.kwalificaties,
    zorgverleners.big_nummer,
    zorgverleners.kp_nummer
from at_active_vestigingen
join valid_zorgverleners as zorgverleners using (zorgverlener_agb)
left join intermediate.caregiver_disciplines as caregiver_disciplines using (zorgverlener_agb)
