-- materialized: view (computed once, inside decisions.rule_results, through rules.stacked)
-- DEELREGISTER_SPECIALISATIE (the same disciplines as KWALITEITSREGISTER_PARAMEDICI, seeds.disciplines).
-- Policy: Overige verstrekkingen specifiek ("Een gespecialiseerde zorgverlener staat eveneens
-- geregistreerd in het deelregister voor deze specialisatie"). Pass when every active caregiver
-- with a specialist kwalificatie of the unit's discipline (policy.specialist_kwalificaties) has
-- a deelregister row for that kwalificatie valid on the peildatum, of the caregiver's own profession
-- (beroep = the discipline, contract cycle 1.2).
with parameters as (
    select peildatum from policy.parameters
),

deelregister_on_peildatum as (
    select distinct register.kp_nummer, register.kwalificatie, lower(trim(register.beroep)) as beroep
    from staged.kwaliteitsregister_paramedici as register
    cross join parameters
    where register.register = 'deelregister'
        and register.geldig_van <= parameters.peildatum
        and (register.geldig_tot is null or register.geldig_tot >= parameters.peildatum)
),

caregiver_kwalificaties as (
    select praktijk_agb, discipline, zorgverlener_agb, kp_nummer, unnest(kwalificaties) as kwalificatie
    from intermediate.unit_caregivers
),

specialists as (
    select
        caregiver_kwalificaties.*,
        deelregister.kp_nummer is not null as registered
    from caregiver_kwalificaties
    join policy.specialist_kwalificaties as specialist using (discipline, kwalificatie)
    left join deelregister_on_peildatum as deelregister
        on deelregister.kp_nummer = caregiver_kwalificaties.kp_nummer
        and deelregister.kwalificatie = caregiver_kwalificaties.kwalificatie
        and deelregister.beroep = caregiver_kwalificaties.discipline
),

units as (
    select units.praktijk_agb, units.discipline,
        count(specialists.zorgverlener_agb) as specialisations,
        list(specialists.zorgverlener_agb || ' (' || specialists.kwalificatie || ')'
             order by specialists.zorgverlener_agb, specialists.kwalificatie)
            filter (where not specialists.registered) as not_registered
    from intermediate.units as units
    left join specialists using (praktijk_agb, discipline)
    where units.discipline in (select discipline from seeds.disciplines where register = 'paramedici')
    group by units.praktijk_agb, units.discipline
)

select
    praktijk_agb,
    discipline,
    'DEELREGISTER_SPECIALISATIE' as rule,
    case when coalesce(len(not_registered), 0) = 0 then 'pass' else 'fail' end as result,
    case
        when specialisations = 0 then 'geen zorgverleners met een specialistische kwalificatie'
        when coalesce(len(not_registered), 0) = 0 then format('{} specialisatie(s) in het deelregister', specialisations)
        else format('{} van {} specialisatie(s) zonder geldige deelregister-inschrijving op de peildatum: {}',
            len(not_registered), specialisations, array_to_string(not_registered[1:5], ', '))
    end as detail,
    'DEELREGISTER_SPECIALISATIE' as reason_code
from units
