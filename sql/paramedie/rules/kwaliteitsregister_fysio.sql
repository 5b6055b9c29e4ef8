-- materialized: view (computed once, inside decisions.rule_results, through rules.stacked)
-- KWALITEITSREGISTER_FYSIO (fysiotherapie). Policy: Fysiotherapie specifiek (ingeschreven in
-- het basis-, deel- of aantekeningenregister van het individueel register fysiotherapie).
-- Pass when every active fysiotherapeut has a CKR row valid on the peildatum
-- (intermediate.unit_registrations).
select
    praktijk_agb,
    discipline,
    'KWALITEITSREGISTER_FYSIO' as rule,
    case when len(zonder_ckr) = 0 then 'pass' else 'fail' end as result,
    case
        when len(zonder_ckr) = 0 then format('{} fysiotherapeut(en) in het kwaliteitsregister (CKR)', caregivers)
        else format('{} van {} fysiotherapeut(en) zonder geldige CKR-registratie op de peildatum: {}',
            len(zonder_ckr), caregivers, array_to_string(zonder_ckr[1:5], ', '))
    end as detail,
    'KWALITEITSREGISTER_FYSIO' as reason_code
from intermediate.unit_registrations
where discipline = 'fysiotherapie'
