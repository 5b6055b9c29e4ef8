-- Per unit: how many caregivers its rules look at, and which of them lack a registration valid
-- on the peildatum in each register: BIG ('ingeschreven', no doorhaling or schorsing), CKR (any
-- register) and Kwaliteitsregister Paramedici (kwaliteits- or diplomaregister). The rules
-- BIG_GEREGISTREERD, KWALITEITSREGISTER_FYSIO and KWALITEITSREGISTER_PARAMEDICI read it.
-- Policy: Fysiotherapie specifiek; Overige verstrekkingen specifiek.
with parameters as (
    select peildatum from policy.parameters
),

big_on_peildatum as (
    select
        big.big_nummer,
        bool_or(big.status = 'ingeschreven') and not bool_or(big.status <> 'ingeschreven') as ingeschreven
    from staged.big as big
    cross join parameters
    where big.aanvang <= parameters.peildatum
        and (big.einde is null or big.einde >= parameters.peildatum)
    group by big.big_nummer
),

ckr_on_peildatum as (
    select distinct ckr.big_nummer
    from staged.ckr as ckr
    cross join parameters
    where ckr.geldig_van <= parameters.peildatum
        and (ckr.geldig_tot is null or ckr.geldig_tot >= parameters.peildatum)
),

kp_on_peildatum as (
    select distinct register.kp_nummer
    from staged.kwaliteitsregister_paramedici as register
    cross join parameters
    where register.register in ('kwaliteitsregister', 'diplomaregister')
        and register.geldig_van <= parameters.peildatum
        and (register.geldig_tot is null or register.geldig_tot >= parameters.peildatum)
),

caregivers as (
    select
        caregivers.praktijk_agb,
        caregivers.discipline,
        caregivers.zorgverlener_agb,
        coalesce(big.ingeschreven, false) as big_ingeschreven,
        ckr.big_nummer is not null as ckr_geldig,
        kp.kp_nummer is not null as kp_geldig
    from intermediate.unit_caregivers as caregivers
    left join big_on_peildatum as big using (big_nummer)
    left join ckr_on_peildatum as ckr using (big_nummer)
    left join kp_on_peildatum as kp using (kp_nummer)
)

select
    units.praktijk_agb,
    units.discipline,
    count(caregivers.zorgverlener_agb) as caregivers,
    coalesce(list(caregivers.zorgverlener_agb order by caregivers.zorgverlener_agb)
        filter (where not caregivers.big_ingeschreven), []) as zonder_big,
    coalesce(list(caregivers.zorgverlener_agb order by caregivers.zorgverlener_agb)
        filter (where not caregivers.ckr_geldig), []) as zonder_ckr,
    coalesce(list(caregivers.zorgverlener_agb order by caregivers.zorgverlener_agb)
        filter (where not caregivers.kp_geldig), []) as zonder_kp
from intermediate.units as units
left join caregivers using (praktijk_agb, discipline)
group by units.praktijk_agb, units.discipline
