-- Every unit with eindbesluit AANBIEDEN without an acceptance that counts (contract cycle 3): who
-- still has to sign, on which list the offer went out, and by when.
with parameters as (
    select signing_deadline from policy.parameters
)

select
    outcomes.praktijk_agb,
    outcomes.discipline,
    ondernemingen.naam,
    outcomes.aanbodlijst,
    outcomes.na_beoordeling,
    parameters.signing_deadline as uiterste_tekendatum
from decisions.unit_outcomes as outcomes
cross join parameters
join decisions.acceptance_status as acceptances using (praktijk_agb, discipline)
left join staged.ondernemingen as ondernemingen on ondernemingen.agb_code = outcomes.praktijk_agb
where outcomes.eindbesluit = 'AANBIEDEN' and not acceptances.geaccepteerd
