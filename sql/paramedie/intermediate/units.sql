-- The units of the run: every (praktijk_agb, discipline) pair found among the active
-- caregivers at a praktijk's active vestigingen, the praktijk's own zorgsoort (where it
-- maps to one discipline), contracts, applications and claims. An onderneming with
-- organisatievorm instelling has the single unit (agb, instelling). Contract 4.
with own_zorgsoort as (
    select ondernemingen.agb_code as praktijk_agb, disciplines.discipline
    from staged.ondernemingen as ondernemingen
    join seeds.agb_disciplines as disciplines
        on disciplines.zorgsoort = ondernemingen.zorgsoort
        and disciplines.kwalificatie is null  -- zorgsoort 90 needs kwalificaties: no single discipline
),

found as (
    select onderneming_agb as praktijk_agb, discipline, 'zorgverleners' as bron
    from intermediate.active_caregivers where discipline is not null
    union all
    select praktijk_agb, discipline, 'agb_zorgsoort' from own_zorgsoort
    union all
    select praktijk_agb, discipline, 'contracten' from intermediate.unit_contracts
    union all
    select praktijk_agb, discipline, 'aanvragen' from intermediate.unit_applications
    union all
    select praktijk_agb, discipline, 'declaraties' from intermediate.unit_claims
),

as_units as (
    select
        found.praktijk_agb,
        case when ondernemingen.is_instelling then 'instelling' else found.discipline end as discipline,
        found.bron
    from found
    left join intermediate.ondernemingen_units as ondernemingen using (praktijk_agb)
)

select praktijk_agb, discipline, list_sort(list(distinct bron)) as bronnen
from as_units
group by praktijk_agb, discipline
