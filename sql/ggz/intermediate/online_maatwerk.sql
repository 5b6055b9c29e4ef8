-- Online care: an institution with any online code (policy online_checks) is assessed on all of
-- them; online_maatwerk when every code's latest row passes. Codes without a row count as not met.
-- It never decides the outcome: it tells the buyer a tailored arrangement can be offered.
-- Contract ggz-2021 3 and 4. Policy: Dit vinden wij belangrijk > Online zorg (tien voorwaarden).
with assessed as (
    select distinct latest.onderneming_agb as praktijk_agb
    from intermediate.compliance_latest as latest
    join policy.online_checks as codes using ("check")
),

per_code as (
    select
        assessed.praktijk_agb,
        codes."check",
        latest.result
    from assessed
    cross join policy.online_checks as codes
    left join intermediate.compliance_latest as latest
        on latest.onderneming_agb = assessed.praktijk_agb
        and latest."check" = codes."check"
)

select
    units.praktijk_agb,
    units.discipline,
    assessed.praktijk_agb is not null as online_beoordeeld,
    coalesce(bool_and(coalesce(per_code.result = 'pass', false)) filter (where per_code."check" is not null), false)
        as online_maatwerk,
    coalesce(list(per_code."check" || ': ' || coalesce(per_code.result, 'geen rij') order by per_code."check")
        filter (where per_code."check" is not null and per_code.result is distinct from 'pass'), []) as online_niet_voldaan
from intermediate.units as units
left join assessed using (praktijk_agb)
left join per_code using (praktijk_agb)
group by units.praktijk_agb, units.discipline, assessed.praktijk_agb
