-- materialized: view (computed once, inside decisions.rule_results, through rules.stacked)
-- KWALITEITSREGISTER_PARAMEDICI (the disciplines with register 'paramedici' in seeds.disciplines:
-- oefentherapie, logopedie, ergotherapie, dietetiek, huidtherapie, voetzorg). Policy: Overige
-- verstrekkingen specifiek (geregistreerd bij het Kwaliteitsregister Paramedici). Pass when every
-- active caregiver has a kp_nummer with a kwaliteitsregister or diplomaregister row valid on the
-- peildatum (intermediate.unit_registrations).
select
    praktijk_agb,
    discipline,
    'KWALITEITSREGISTER_PARAMEDICI' as rule,
    case when len(zonder_kp) = 0 then 'pass' else 'fail' end as result,
    case
        when len(zonder_kp) = 0 then format('{} zorgverlener(s) in het Kwaliteitsregister Paramedici', caregivers)
        else format('{} van {} zorgverlener(s) zonder geldige registratie in het Kwaliteitsregister Paramedici op de peildatum: {}',
            len(zonder_kp), caregivers, array_to_string(zonder_kp[1:5], ', '))
    end as detail,
    'KWALITEITSREGISTER_PARAMEDICI' as reason_code
from intermediate.unit_registrations
where discipline in (select discipline from seeds.disciplines where register = 'paramedici')
