-- materialized: view (computed once, inside decisions.rule_results, through rules.stacked)
-- INVOER_VOLLEDIG (every unit, both policies). Policy: Voorwaarden (en kwaliteitseisen) voor een
-- contract (gegevens volledig en juist) and the insurer's duty of care: a unit is not decided on
-- incomplete input. Review (REVIEW_INVOER_IN_QUARANTAINE) when input rows about it were
-- quarantined; which rows count is the domain's intermediate.quarantined_units. Otherwise pass.
with affecting as (
    select
        praktijk_agb,
        discipline,
        count(*) as rows_kept_out,
        list(file || ' regel ' || line order by file, line) as places
    from intermediate.quarantined_units
    group by praktijk_agb, discipline
)

select
    units.praktijk_agb,
    units.discipline,
    'INVOER_VOLLEDIG' as rule,
    case when affecting.rows_kept_out is null then 'pass' else 'review' end as result,
    case
        when affecting.rows_kept_out is null then 'geen invoerregels over deze zorgaanbieder in quarantaine'
        else format('{} invoerregel(s) over deze zorgaanbieder in quarantaine (zie quarantine.parquet): {}',
            affecting.rows_kept_out, array_to_string(affecting.places[1:5], ', '))
    end as detail,
    'REVIEW_INVOER_IN_QUARANTAINE' as reason_code
from intermediate.units as units
left join affecting using (praktijk_agb, discipline)
