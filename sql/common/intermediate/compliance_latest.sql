-- materialized: view (its rows are read once, by rules.compliance_checks, inside decisions.rule_results)
-- The compliance row that counts per onderneming and check: the one with the latest
-- peildatum. Should two rows share that date, fail wins over pass. Contract 3.
with ranked as (
    select
        checks.*,
        row_number() over (
            partition by onderneming_agb, "check"
            order by peildatum desc, case result when 'fail' then 0 else 1 end
        ) as rank_latest
    from staged.compliance_checks as checks
)

select onderneming_agb, "check", result, peildatum, bron
from ranked
where rank_latest = 1
