-- Per unit with a failing or review rule, the failing rules and the review codes of its rule
-- results: what the decision tables of both policies test first (contract paramedie-2024 6,
-- ggz-2021 5, "any rule fails", "any rule is review"). A unit whose rules all pass has no row
-- here (unit_cases reads it with a left join: no failing rules, no review codes). Only the few
-- rows that do not pass are read (some 7,000 of 617,000 at insurer size): the selection's
-- critical path waits for this model.
select
    praktijk_agb,
    discipline,
    list_sort(list(distinct rule) filter (where result = 'fail')) as failed_rules,
    list_sort(list(distinct reason_code) filter (where result = 'review')) as review_codes
from decisions.rule_results
where result in ('fail', 'review')
group by praktijk_agb, discipline
