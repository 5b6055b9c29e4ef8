-- The caregivers each unit's rules look at: the active caregivers of the unit's discipline,
-- or for an instelling all of its active caregivers. Contract 5.
select distinct
    units.praktijk_agb,
    units.discipline,
    caregivers.zorgverlener_agb,
    caregivers.achternaam,
    caregivers.zorgsoort,
    caregivers.kwalificaties,
    caregivers.big_nummer,
    caregivers.kp_nummer
from intermediate.units as units
join intermediate.active_caregivers as caregivers
    on caregivers.onderneming_agb = units.praktijk_agb
    and (units.discipline = 'instelling' or caregivers.discipline = units.discipline)
