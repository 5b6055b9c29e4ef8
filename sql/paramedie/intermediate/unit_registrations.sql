-- Per unit: how many caregivers its rules look at, and which of them lack a registration valid
-- on the peildatum in each register: BIG ('ingeschreven', no doorhaling or schorsing), CKR (any
-- register) and Kwaliteitsregister Paramedici (kwaliteits- or diplomaregister). The rules
-- BIG_GEREGISTREERD, KWALITEITSREGISTER_FYSIO and KWALITEITSREGISTER_PARAMEDICI read it.
-- Contract cycle 1.2: a BIG row counts only when its beroep is the policy's big_beroep, a KP row
-- only when its beroep is the caregiver's discipline (both compared case-insensitively, trimmed);
-- a caregiver registered only as another profession is listed with the profession found.
-- Policy: Fysiotherapie specifiek; Overige verstrekkingen specifiek.
with parameters as (
    select peildatum, lower(trim(big_beroep)) as big_beroep from policy.parameters
),

big_on_peildatum as (
    select
        big.big_nummer,
        bool_or(big.status = 'ingeschreven' and lower(trim(big.beroep)) = parameters.big_beroep)
            and not bool_or(big.status <> 'ingeschreven' and lower(trim(big.beroep)) = parameters.big_beroep)
            as ingeschreven,
        list(distinct lower(trim(big.beroep)) order by lower(trim(big.beroep)))
            filter (where lower(trim(big.beroep)) <> parameters.big_beroep) as andere_beroepen
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
    select distinct register.kp_nummer, lower(trim(register.beroep)) as beroep
    from staged.kwaliteitsregister_paramedici as register
    cross join parameters
    where register.register in ('kwaliteitsregister', 'diplomaregister')
        and register.geldig_van <= parameters.peildatum
        and (register.geldig_tot is null or register.geldig_tot >= parameters.peildatum)
),

kp_per_caregiver as (
    select
        caregivers.praktijk_agb,
        caregivers.discipline,
        caregivers.zorgverlener_agb,
        bool_or(kp.beroep = caregivers.zorgverlener_discipline) as kp_geldig,
        list(distinct kp.beroep order by kp.beroep) filter (where kp.beroep <> caregivers.zorgverlener_discipline)
            as andere_beroepen
    from intermediate.unit_caregivers as caregivers
    join kp_on_peildatum as kp using (kp_nummer)
    group by all
),

caregivers as (
    select distinct
        caregivers.praktijk_agb,
        caregivers.discipline,
        caregivers.zorgverlener_agb,
        coalesce(big.ingeschreven, false) as big_ingeschreven,
        big.andere_beroepen as big_andere_beroepen,
        ckr.big_nummer is not null as ckr_geldig,
        coalesce(kp.kp_geldig, false) as kp_geldig,
        kp.andere_beroepen as kp_andere_beroepen
    from intermediate.unit_caregivers as caregivers
    left join big_on_peildatum as big using (big_nummer)
    left join ckr_on_peildatum as ckr using (big_nummer)
    left join kp_per_caregiver as kp using (praktijk_agb, discipline, zorgverlener_agb)
)

select
    units.praktijk_agb,
    units.discipline,
    count(caregivers.zorgverlener_agb) as caregivers,
    coalesce(list(caregivers.zorgverlener_agb
            || coalesce(' (BIG-registratie als ' || nullif(array_to_string(caregivers.big_andere_beroepen, ', '), '') || ')', '')
            order by caregivers.zorgverlener_agb)
        filter (where not caregivers.big_ingeschreven), []) as zonder_big,
    coalesce(list(caregivers.zorgverlener_agb order by caregivers.zorgverlener_agb)
        filter (where not caregivers.ckr_geldig), []) as zonder_ckr,
    coalesce(list(caregivers.zorgverlener_agb
            || coalesce(' (KP-registratie als ' || nullif(array_to_string(caregivers.kp_andere_beroepen, ', '), '') || ')', '')
            order by caregivers.zorgverlener_agb)
        filter (where not caregivers.kp_geldig), []) as zonder_kp
from intermediate.units as units
left join caregivers using (praktijk_agb, discipline)
group by units.praktijk_agb, units.discipline
