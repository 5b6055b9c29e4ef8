-- INVOER_VOLLEDIG (every unit). Policy: Voorwaarden en kwaliteitseisen voor een contract
-- (gegevens volledig en juist) and the insurer's duty of care: a unit is not decided on
-- incomplete input. Review (REVIEW_INVOER_IN_QUARANTAINE) when an input row about the praktijk
-- was quarantined; claim lines count only when the unit has no prior-year declaration without
-- them (a left-out claim line can only matter then). Otherwise pass.
with declared as (
    select distinct praktijk_agb, discipline
    from intermediate.claim_lines
    cross join (select prior_year from policy.parameters) as parameters
    where declaratiebedrag >= 0 and year(datum_prestatie) = parameters.prior_year
),

affecting as (
    select
        units.praktijk_agb,
        units.discipline,
        count(*) as rows_kept_out,
        list(quarantined.file || ' regel ' || quarantined.line order by quarantined.file, quarantined.line) as places
    from intermediate.units as units
    join intermediate.quarantined_praktijken as quarantined using (praktijk_agb)
    left join declared using (praktijk_agb, discipline)
    where not quarantined.from_claims or declared.praktijk_agb is null
    group by units.praktijk_agb, units.discipline
)

select
    units.praktijk_agb,
    units.discipline,
    'INVOER_VOLLEDIG' as rule,
    case when affecting.rows_kept_out is null then 'pass' else 'review' end as result,
    case
        when affecting.rows_kept_out is null then 'geen invoerregels over deze praktijk in quarantaine'
        else format('{} invoerregel(s) over deze praktijk in quarantaine (zie quarantine.parquet): {}',
            affecting.rows_kept_out, array_to_string(affecting.places[1:5], ', '))
    end as detail,
    'REVIEW_INVOER_IN_QUARANTAINE' as reason_code
from intermediate.units as units
left join affecting using (praktijk_agb, discipline)
