-- materialized: view (computed once, inside decisions.rule_results, through rules.stacked)
-- BIG_GEREGISTREERD (fysiotherapie). Policy: Fysiotherapie specifiek (BIG-geregistreerd,
-- art. 3 wet BIG). Pass when every active fysiotherapeut has a big_nummer with a row that is
-- 'ingeschreven' and valid on the peildatum, and no doorhaling or schorsing valid on it
-- (intermediate.unit_registrations).
select
    praktijk_agb,
    discipline,
    'BIG_GEREGISTREERD' as rule,
    case when len(zonder_big) = 0 then 'pass' else 'fail' end as result,
    case
        when len(zonder_big) = 0 then format('{} fysiotherapeut(en) ingeschreven in het BIG-register', caregivers)
        else format('{} van {} fysiotherapeut(en) niet ingeschreven in het BIG-register op de peildatum: {}',
            len(zonder_big), caregivers, array_to_string(zonder_big[1:5], ', '))
    end as detail,
    'BIG_GEREGISTREERD' as reason_code
from intermediate.unit_registrations
where discipline = 'fysiotherapie'
