-- Every acceptance row judged against the selection (contract cycle 3): it counts only for a unit
-- whose eindbesluit is AANBIEDEN, accepted on or before the policy's signing_deadline. Every other
-- row (unknown unit, no offer, a running contract, accepted late) gets a quarantine reason and
-- never makes a unit gecontracteerd.
with parameters as (
    select signing_deadline from policy.parameters
),

judged as (
    select
        acceptances.*,
        outcomes.outcome,
        outcomes.eindbesluit,
        parameters.signing_deadline
    from intermediate.unit_acceptances as acceptances
    cross join parameters
    left join decisions.unit_outcomes as outcomes using (praktijk_agb, discipline)
)

select
    praktijk_agb,
    discipline,
    geaccepteerd_op,
    _file,
    _line,
    case
        when outcome is null then
            format('({}, {}) is not a unit of this selection: there is no offer to accept', praktijk_agb, discipline)
        when eindbesluit = 'LOPENDE_OVEREENKOMST' then
            'the unit has a running contract (lopende overeenkomst) that covers the contract year: there is no new offer to accept'
        when eindbesluit <> 'AANBIEDEN' then
            format('no offer for this unit (outcome {}, eindbesluit {}): an acceptance counts only for an offer',
                outcome, eindbesluit)
        when geaccepteerd_op > signing_deadline then
            format('accepted on {}, after the signing deadline (uiterste tekendatum) {}', geaccepteerd_op, signing_deadline)
    end as quarantine_reason
from judged
