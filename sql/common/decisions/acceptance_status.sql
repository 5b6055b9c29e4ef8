-- Per unit whether an acceptance counts for it (decisions.acceptance_rows: an offer, accepted on or
-- before the signing deadline), and whether acceptances were given at all: then the zorgzoeker is
-- definitief, else voorlopig. Contract cycle 3; the zorgzoeker and the unanswered offers read it.
with acceptances_given as (
    select count(*) > 0 as given from staged.acceptances
),

accepted as (
    select distinct praktijk_agb, discipline
    from decisions.acceptance_rows
    where quarantine_reason is null
)

select
    outcomes.praktijk_agb,
    outcomes.discipline,
    accepted.praktijk_agb is not null as geaccepteerd,
    acceptances_given.given as acceptances_given,
    case when acceptances_given.given then 'definitief' else 'voorlopig' end as status
from decisions.unit_outcomes as outcomes
cross join acceptances_given
left join accepted using (praktijk_agb, discipline)
