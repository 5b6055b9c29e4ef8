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
        coalesce(cijfers.omzet_bggz, 0) as omzet_bggz,
        coalesce(cijfers.omzet_sggz, 0) as omzet_sggz,
        coalesce(cijfers.omzet_lggz, 0) as omzet_lggz,
        coalesce(cijfers.omzet_totaal, 0) as omzet_totaal,
        coalesce(cijfers.patienten_bggz, 0) as patienten_bggz,
        coalesce(cijfers.patienten_sggz, 0) as patienten_sggz,
        coalesce(cijfers.patienten_lggz, 0) as patienten_lggz,
        coalesce(cijfers.patienten_totaal, 0) as patienten_totaal,
        coalesce(cijfers.kostenintensieve_patienten, 0) as kostenintensieve_patienten,
        coalesce(cijfers.omzet_sggz_kostenintensief, 0) as omzet_sggz_kostenintensief,
        coalesce(cijfers.omzet_sggz_excl, 0) as omzet_sggz_excl,
        coalesce(cijfers.patienten_sggz_excl, 0) as patienten_sggz_excl,
        coalesce(cijfers.voorgesteld_omzetplafond, 0) as voorgesteld_omzetplafond,
        cijfers.max_omzet_per_patient,
        coalesce(cijfers.marktaandeel, 0) as marktaandeel
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
