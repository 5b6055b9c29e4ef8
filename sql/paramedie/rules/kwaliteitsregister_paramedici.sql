-- KWALITEITSREGISTER_PARAMEDICI (oefentherapie, logopedie, ergotherapie, dietetiek,
-- huidtherapie, voetzorg). Policy: Overige verstrekkingen specifiek (geregistreerd bij het
-- Kwaliteitsregister Paramedici). Pass when every active caregiver has a kp_nummer with a
-- kwaliteitsregister or diplomaregister row valid on the peildatum.
with parameters as (
    select peildatum from policy.parameters
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
        kp.kp_nummer is not null as registered
    from intermediate.unit_caregivers as caregivers
    left join kp_on_peildatum as kp using (kp_nummer)
),

units as (
    select units.praktijk_agb, units.discipline,
        count(caregivers.zorgverlener_agb) as caregivers,
        list(caregivers.zorgverlener_agb order by caregivers.zorgverlener_agb)
            filter (where not caregivers.registered) as not_registered
    from intermediate.units as units
    left join caregivers using (praktijk_agb, discipline)
    where units.discipline in ('oefentherapie', 'logopedie', 'ergotherapie', 'dietetiek', 'huidtherapie', 'voetzorg')
    group by units.praktijk_agb, units.discipline
)

select
    praktijk_agb,
    discipline,
    'KWALITEITSREGISTER_PARAMEDICI' as rule,
    case when coalesce(len(not_registered), 0) = 0 then 'pass' else 'fail' end as result,
    case
        when coalesce(len(not_registered), 0) = 0 then format('{} zorgverlener(s) in het Kwaliteitsregister Paramedici', caregivers)
        else format('{} van {} zorgverlener(s) zonder geldige registratie in het Kwaliteitsregister Paramedici op de peildatum: {}',
            len(not_registered), caregivers, array_to_string(not_registered[1:5], ', '))
    end as detail,
    'KWALITEITSREGISTER_PARAMEDICI' as reason_code
from units
