-- INVOER_VOLLEDIG (every unit). Policy: Voorwaarden voor een contract (gegevens volledig en juist)
-- and the insurer's care for a fair decision: review (REVIEW_INVOER_IN_QUARANTAINE) when an input
-- row about the institution was quarantined; a left-out claim line changes its figures and segment,
-- a left-out contract its outcome. Otherwise pass.
with affecting as (
    select
        praktijk_agb,
        count(*) as rows_kept_out,
        list(file || ' regel ' || line order by file, line) as places
    from intermediate.quarantined_instellingen
    group by praktijk_agb
)

select
    units.praktijk_agb,
    units.discipline,
    'INVOER_VOLLEDIG' as rule,
    case when affecting.rows_kept_out is null then 'pass' else 'review' end as result,
    case
        when affecting.rows_kept_out is null then 'geen invoerregels over deze instelling in quarantaine'
        else format('{} invoerregel(s) over deze instelling in quarantaine (zie quarantine.parquet): {}',
            affecting.rows_kept_out, array_to_string(affecting.places[1:5], ', '))
    end as detail,
    'REVIEW_INVOER_IN_QUARANTAINE' as reason_code
from intermediate.units as units
left join affecting using (praktijk_agb)
