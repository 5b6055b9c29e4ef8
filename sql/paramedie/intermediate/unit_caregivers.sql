-- The caregivers each unit's rules look at: the active caregivers of the unit's discipline,
-- or for an instelling all of its active caregivers. Contract 5. zorgverlener_discipline is the
-- caregiver's own discipline (for an instelling not the unit's): its registrations must be of that
-- profession (contract cycle 1.2).
select distinct
    units.praktijk_agb,
    units.discipline,
    caregivers.zorgverlener_agb,
    caregivers.discipline as zorgverlener_discipline,
    caregivers.achternaam,
    caregivers.zorgsoort,
    caregivers.kwalificaties,
    caregivers.big_nummer,
    caregivers.kp_nummer
from intermediate.units as units
join intermediate.active_caregivers as caregivers
    on caregivers.onderneming_agb = units.praktijk_agb
    and (units.discipline = 'instelling' or caregivers.discipline = units.discipline)
