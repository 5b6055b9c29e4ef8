-- materialized: view (read once, by the Parquet writer)
-- offerte_uitnodigingen.parquet: the OFFERTE_UITNODIGING institutions (and, na_beoordeling, institutions of
-- segment offerte offered after review, contract cycle 2), with naam and every figure the
-- negotiation starts from (ceiling and maximum per unique patient without cost-intensive patients,
-- revenue and patients per zorgtype, market share), production monitoring, online maatwerk and the
-- waiting-time talks. Contract ggz-2021 6. Policy: Inkoopsystematiek > GGZ-instellingen met een
-- offerteprocedure.
-- uiterste_tekendatum: the policy's signing_deadline (Tijdpad: uiterste datum tekenen 1 november).
select
    decisions.instelling_agb,
    ondernemingen.naam,
    ondernemingen.kvk_nummer,
    ondernemingen.plaats,
    decisions.segment_redenen,
    decisions.omzet_totaal,
    decisions.patienten_totaal,
    decisions.marktaandeel,
    decisions.omzet_bggz,
    decisions.omzet_sggz,
    decisions.omzet_lggz,
    decisions.patienten_bggz,
    decisions.patienten_sggz,
    decisions.patienten_lggz,
    decisions.kostenintensieve_patienten,
    decisions.omzet_sggz_kostenintensief,
    decisions.omzet_sggz_excl,
    decisions.patienten_sggz_excl,
    decisions.voorgesteld_omzetplafond,
    decisions.max_omzet_per_patient,
    decisions.omzet_rang,
    decisions.productiemonitoring,
    decisions.online_maatwerk,
    decisions.wachttijd_gesprek,
    decisions.overeenkomst_ingangsdatum,
    decisions.overeenkomst_einddatum,
    parameters.signing_deadline as uiterste_tekendatum,
    outcomes.na_beoordeling
from exports.decisions as decisions
cross join (select signing_deadline from policy.parameters) as parameters
left join staged.ondernemingen as ondernemingen on ondernemingen.agb_code = decisions.instelling_agb
join decisions.unit_outcomes as outcomes on outcomes.praktijk_agb = decisions.instelling_agb
where outcomes.eindbesluit = 'AANBIEDEN' and outcomes.aanbodlijst = 'offerte_uitnodigingen'
order by decisions.instelling_agb
