-- Per unit the rules a reviewer has to look at: every rule that is not a pass (review and fail),
-- with its detail. Both worklists of units under review read it (contract cycle 2): a unit can be
-- under review with failing rules too (input in quarantine, a running contract).
select
    praktijk_agb,
    discipline,
    list(rule || ': ' || detail order by rule) as review_details
from decisions.rule_results
where result in ('review', 'fail')
group by praktijk_agb, discipline
