-- A table, unlike the other exports (views read once by the Parquet writer): case_reviews,
-- digitale_aanbiedingen and offerte_uitnodigingen read it too.
-- decisions.parquet: one row per GGZ unit with its outcome, reasons, segment, the reference-year
-- figures of contract section 4, online_maatwerk and wachttijd_gesprek, and the contract situation
-- that decided it, and the reviewer's decision with the eindbesluit (contract cycle 2). Types are fixed
-- here for BI tools. Contract ggz-2021 6.
select
    praktijk_agb as instelling_agb,
    discipline,
    outcome,
    cast(reasons as varchar[]) as reasons,
    segment,
    cast(segment_redenen as varchar[]) as segment_redenen,
    cast(omzet_bggz as decimal(18, 2)) as omzet_bggz,
    cast(omzet_sggz as decimal(18, 2)) as omzet_sggz,
    cast(omzet_lggz as decimal(18, 2)) as omzet_lggz,
    cast(omzet_totaal as decimal(18, 2)) as omzet_totaal,
    cast(patienten_bggz as integer) as patienten_bggz,
    cast(patienten_sggz as integer) as patienten_sggz,
    cast(patienten_lggz as integer) as patienten_lggz,
    cast(patienten_totaal as integer) as patienten_totaal,
    cast(kostenintensieve_patienten as integer) as kostenintensieve_patienten,
    cast(omzet_sggz_kostenintensief as decimal(18, 2)) as omzet_sggz_kostenintensief,
    cast(omzet_sggz_excl as decimal(18, 2)) as omzet_sggz_excl,
    cast(patienten_sggz_excl as integer) as patienten_sggz_excl,
    cast(voorgesteld_omzetplafond as decimal(18, 2)) as voorgesteld_omzetplafond,
    cast(max_omzet_per_patient as decimal(18, 2)) as max_omzet_per_patient,
    cast(marktaandeel as double) as marktaandeel,
    cast(omzet_rang as integer) as omzet_rang,
    productiemonitoring,
    online_beoordeeld,
    online_maatwerk,
    cast(online_niet_voldaan as varchar[]) as online_niet_voldaan,
    cast(wachttijd_gesprek as varchar[]) as wachttijd_gesprek,
    overeenkomst_actueel,
    overeenkomst_dekt_contractjaar,
    overeenkomst_ingangsdatum,
    overeenkomst_einddatum,
    aanvraagdatum,
    contract_ingangsdatum,
    contract_einddatum,
    besluit.* exclude (praktijk_agb, discipline)
from decisions.unit_outcomes
join decisions.unit_besluit as besluit using (praktijk_agb, discipline)
order by instelling_agb, discipline
