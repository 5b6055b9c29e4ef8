-- materialized: view (read once, by the Parquet writer)
-- rule_results.parquet: one row per unit and rule, with the detail that decided and the policy
-- section. Contract 5 and 7.
select praktijk_agb, discipline, rule, result, detail, policy_ref
from decisions.rule_results
order by praktijk_agb, discipline, rule
