-- The behandel-index of each praktijk for the policy's bi_year: the highest versie wins
-- (V3 over V2 over V1). Policy: Fysiotherapie specifiek, BI gemeten over 2022.
with parameters as (
    select bi_year from policy.parameters
),

ranked as (
    select
        behandelindex.*,
        row_number() over (partition by praktijk_agb order by versie desc) as rank_in_year
    from staged.behandelindex as behandelindex
    join parameters on behandelindex.jaar = parameters.bi_year
)

select praktijk_agb, jaar, versie, bi, aantal_patienten
from ranked
where rank_in_year = 1
