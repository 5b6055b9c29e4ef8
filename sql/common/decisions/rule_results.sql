-- Every rule result of every unit, with the policy section behind the rule (from the policy
-- file: policy.rules and policy.compliance_checks). Contract 5 and 7 (rule_results).
-- rules.stacked holds the rows of every model in sql/common/rules/ and sql/<domain>/rules/.
with policy_refs as (
    select rule, policy_ref from policy.rules
    union all
    select "check" as rule, policy_ref from policy.compliance_checks
)

select stacked.praktijk_agb, stacked.discipline, stacked.rule, stacked.result, stacked.detail,
    stacked.reason_code, policy_refs.policy_ref
from rules.stacked as stacked
left join policy_refs using (rule)
