-- KWALITEITSREGISTER_FYSIO (fysiotherapie). Policy: Fysiotherapie specifiek (ingeschreven in
-- het basis-, deel- of aantekeningenregister van het individueel register fysiotherapie).
-- Pass when every active fysiotherapeut has a CKR row valid on the peildatum.
with parameters as (
    select peildatum from policy.parameters
),

ckr_on_peildatum as (
    select distinct ckr.big_nummer
    from staged.ckr as ckr
    cross join parameters
    where ckr.geldig_van <= parameters.peildatum
        and (ckr.geldig_tot is null or ckr.geldig_tot >= parameters.peildatum)
),

caregivers as (
    select
        caregivers.praktijk_agb,
        caregivers.discipline,
        caregivers.zorgverlener_agb,
        ckr.big_nummer is not null as registered
    from intermediate.unit_caregivers as caregivers
    left join ckr_on_peildatum as ckr using (big_nummer)
    where caregivers.discipline = 'fysiotherapie'
),

units as (
    select units.praktijk_agb, units.discipline,
        count(caregivers.zorgverlener_agb) as caregivers,
        list(caregivers.zorgverlener_agb order by caregivers.zorgverlener_agb)
            filter (where not caregivers.registered) as not_registered
    from intermediate.units as units
    left join caregivers using (praktijk_agb, discipline)
    where units.discipline = 'fysiotherapie'
    group by units.praktijk_agb, units.discipline
)

select
    praktijk_agb,
    discipline,
    'KWALITEITSREGISTER_FYSIO' as rule,
    case when coalesce(len(not_registered), 0) = 0 then 'pass' else 'fail' end as result,
    case
        when coalesce(len(not_registered), 0) = 0 then format('{} fysiotherapeut(en) in het kwaliteitsregister (CKR)', caregivers)
        else format('{} van {} fysiotherapeut(en) zonder geldige CKR-registratie op de peildatum: {}',
            len(not_registered), caregivers, array_to_string(not_registered[1:5], ', '))
    end as detail,
    'KWALITEITSREGISTER_FYSIO' as reason_code
from units
