-- materialized: view (read once, by the Parquet writer)
-- digitale_aanbiedingen.parquet: the DIGITAAL_AANBOD institutions (and, na_beoordeling, institutions of
-- segment digitaal offered after review, contract cycle 2) with naam and the contract dates of
-- the policy file (2021-01-01 to 2021-12-31), for the digital contract through VECOZO; with online
-- maatwerk and waiting-time talks for the buyer. Contract ggz-2021 6. Policy: Inkoopsystematiek >
-- GGZ-instellingen met digitale contractering.
-- uiterste_tekendatum: the policy's signing_deadline (Tijdpad: uiterste datum tekenen 1 november).
select
    decisions.instelling_agb,
    ondernemingen.naam,
    ondernemingen.kvk_nummer,
    ondernemingen.plaats,
    decisions.contract_ingangsdatum,
    decisions.contract_einddatum,
    parameters.signing_deadline as uiterste_tekendatum,
    decisions.online_maatwerk,
    decisions.wachttijd_gesprek,
    outcomes.na_beoordeling
from exports.decisions as decisions
cross join (select signing_deadline from policy.parameters) as parameters
left join staged.ondernemingen as ondernemingen on ondernemingen.agb_code = decisions.instelling_agb
join decisions.unit_outcomes as outcomes on outcomes.praktijk_agb = decisions.instelling_agb
where outcomes.eindbesluit = 'AANBIEDEN' and outcomes.aanbodlijst = 'digitale_aanbiedingen'
order by decisions.instelling_agb
