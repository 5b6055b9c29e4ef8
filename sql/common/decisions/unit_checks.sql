-- Per unit, the failing rules and the review codes of its rule results: what the decision
-- tables of both policies test first (contract paramedie-2024 6, ggz-2021 5, "any rule fails",
-- "any rule is review").
select
    praktijk_agb,
    discipline,
    list_sort(list(distinct rule) filter (where result = 'fail')) as failed_rules,
    list_sort(list(distinct reason_code) filter (where result = 'review')) as review_codes
from decisions.rule_results
group by praktijk_agb, discipline
