-- BIG_GEREGISTREERD (fysiotherapie). Policy: Fysiotherapie specifiek (BIG-geregistreerd,
-- art. 3 wet BIG). Pass when every active fysiotherapeut has a big_nummer with a row that is
-- 'ingeschreven' and valid on the peildatum, and no doorhaling or schorsing valid on it.
with parameters as (
    select peildatum from policy.parameters
),

big_on_peildatum as (
    select
        big.big_nummer,
        bool_or(big.status = 'ingeschreven') as ingeschreven,
        bool_or(big.status <> 'ingeschreven') as doorgehaald_of_geschorst
    from staged.big as big
    cross join parameters
    where big.aanvang <= parameters.peildatum
        and (big.einde is null or big.einde >= parameters.peildatum)
    group by big.big_nummer
),

caregivers as (
    select
        caregivers.praktijk_agb,
        caregivers.discipline,
        caregivers.zorgverlener_agb,
        coalesce(big.ingeschreven and not big.doorgehaald_of_geschorst, false) as registered
    from intermediate.unit_caregivers as caregivers
    left join big_on_peildatum as big using (big_nummer)
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
    'BIG_GEREGISTREERD' as rule,
    case when coalesce(len(not_registered), 0) = 0 then 'pass' else 'fail' end as result,
    case
        when coalesce(len(not_registered), 0) = 0 then format('{} fysiotherapeut(en) ingeschreven in het BIG-register', caregivers)
        else format('{} van {} fysiotherapeut(en) niet ingeschreven in het BIG-register op de peildatum: {}',
            len(not_registered), caregivers, array_to_string(not_registered[1:5], ', '))
    end as detail,
    'BIG_GEREGISTREERD' as reason_code
from units
