-- materialized: view (computed once, inside decisions.rule_results, through rules.stacked)
-- BEHANDELINDEX (fysiotherapie): the rule "BI < 150". Policy: Fysiotherapie specifiek
-- ("lager scoort dan 150 gemeten over het kalenderjaar 2022"; fewer than 30 patients and no
-- spiegelinformatie: individual review). Uses the bi_year row with the highest versie.
--   BI < bi_threshold                      -> pass
--   BI >= bi_threshold                     -> fail
--   no BI, aantal_patienten < small_practice_patients -> review REVIEW_KLEINE_PRAKTIJK
--   no BI otherwise (also no row, or no patient count) -> review REVIEW_BI_ONTBREEKT
with parameters as (
    select bi_year, bi_threshold, small_practice_patients from policy.parameters
),

fysio_units as (
    select units.praktijk_agb, units.discipline, bi.versie, bi.bi, bi.aantal_patienten
    from intermediate.units as units
    left join intermediate.behandelindex_bi_year as bi using (praktijk_agb)
    where units.discipline = 'fysiotherapie'
),

judged as (
    select
        fysio_units.*,
        parameters.*,
        case
            when bi is not null and bi < bi_threshold then 'pass'
            when bi is not null then 'fail'
            else 'review'
        end as result,
        case
            when bi is not null then 'BEHANDELINDEX'
            when aantal_patienten < small_practice_patients then 'REVIEW_KLEINE_PRAKTIJK'
            else 'REVIEW_BI_ONTBREEKT'
        end as reason_code
    from fysio_units
    cross join parameters
)

select
    praktijk_agb,
    discipline,
    'BEHANDELINDEX' as rule,
    result,
    case
        when bi is not null then format('BI {} {} = {}, drempel {} ({})', bi_year, versie, round(bi, 2), bi_threshold,
            case when result = 'pass' then 'lager dan de drempel' else 'gelijk aan of hoger dan de drempel' end)
        when versie is null then format('geen behandel-index {} gevonden: {}', bi_year, reason_code)
        else format('geen BI {} {} (geen spiegelinformatie), {} patienten, grens {}: {}', bi_year, versie,
            coalesce(cast(aantal_patienten as varchar), 'onbekend'), small_practice_patients, reason_code)
    end as detail,
    reason_code
from judged
