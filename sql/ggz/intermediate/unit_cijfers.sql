-- The reference-year figures of every unit (zero revenue and patients when it has no claims), and
-- productiemonitoring: the productiemonitoring_top_n units with the most revenue of ours. Units
-- with equal revenue share a rank, so a tie at the edge gives both production monitoring.
-- Contract ggz-2021 4. Policy: De andere verzekeraar > Administratieve lasten beperken
-- ("productiemonitoring alleen bij de grootste GGZ-instellingen").
with parameters as (
    select productiemonitoring_top_n from policy.parameters
),

figures as (
    select
        units.praktijk_agb,
        units.discipline,
        -- a unit without claims has zero revenue and patients; only the maximum per patient stays null
        coalesce(columns(cijfers.* exclude (instelling_agb, max_omzet_per_patient)), 0),
        cijfers.max_omzet_per_patient
    from intermediate.units as units
    left join intermediate.referentiejaar_cijfers as cijfers on cijfers.instelling_agb = units.praktijk_agb
)

select
    figures.*,
    rank() over (order by figures.omzet_totaal desc) as omzet_rang,
    figures.omzet_totaal > 0
        and rank() over (order by figures.omzet_totaal desc) <= parameters.productiemonitoring_top_n as productiemonitoring
from figures
cross join parameters
