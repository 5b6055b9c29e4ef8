-- The reference-year figures per institution that has claims: revenue and unique patients per
-- zorgtype (BGGZ, SGGZ, LGGZ), cost-intensive SGGZ patients, SGGZ revenue without them, the proposed
-- SGGZ ceiling (omzet_sggz_excl x plafond_index; BGGZ and LGGZ have no ceiling), the maximum revenue
-- per unique SGGZ patient without the cost-intensive ones (null when there are none), the share of
-- our total GGZ revenue (every institution in the claims). Contract ggz-2021 4.
-- Policy: Inkoopsystematiek > Omzetplafond (SGGZ), Maximale omzet per unieke patiënt (SGGZ),
-- Excluderen kostenintensieve patiënten.
with parameters as (
    select cast(plafond_index as decimal(9, 4)) as plafond_index from policy.parameters
),

patients as (
    select
        patients.*,
        costly.patient_pseudonym is not null as kostenintensief
    from intermediate.patienten_per_zorgtype as patients
    left join intermediate.kostenintensieve_patienten as costly
        on costly.instelling_agb = patients.instelling_agb
        and costly.patient_pseudonym = patients.patient_pseudonym
        and patients.zorgtype = 'SGGZ'
),

per_patient as (
    select instelling_agb, patient_pseudonym, sum(omzet) as omzet
    from patients
    group by instelling_agb, patient_pseudonym
),

totals as (
    select
        instelling_agb,
        sum(omzet) filter (where zorgtype = 'BGGZ') as omzet_bggz,
        sum(omzet) filter (where zorgtype = 'SGGZ') as omzet_sggz,
        sum(omzet) filter (where zorgtype = 'LGGZ') as omzet_lggz,
        sum(omzet) as omzet_totaal,
        count(*) filter (where zorgtype = 'BGGZ' and omzet > 0) as patienten_bggz,
        count(*) filter (where zorgtype = 'SGGZ' and omzet > 0) as patienten_sggz,
        count(*) filter (where zorgtype = 'LGGZ' and omzet > 0) as patienten_lggz,
        count(*) filter (where kostenintensief) as kostenintensieve_patienten,
        sum(omzet) filter (where kostenintensief) as omzet_sggz_kostenintensief,
        sum(omzet) filter (where zorgtype = 'SGGZ' and not kostenintensief) as omzet_sggz_excl,
        count(*) filter (where zorgtype = 'SGGZ' and not kostenintensief and omzet > 0) as patienten_sggz_excl
    from patients
    group by instelling_agb
),

unique_patients as (
    select instelling_agb, count(*) filter (where omzet > 0) as patienten_totaal
    from per_patient
    group by instelling_agb
),

market as (
    select sum(omzet_totaal) as omzet_markt from totals
)

select
    totals.instelling_agb,
    coalesce(totals.omzet_bggz, 0) as omzet_bggz,
    coalesce(totals.omzet_sggz, 0) as omzet_sggz,
    coalesce(totals.omzet_lggz, 0) as omzet_lggz,
    totals.omzet_totaal,
    totals.patienten_bggz,
    totals.patienten_sggz,
    totals.patienten_lggz,
    unique_patients.patienten_totaal,
    totals.kostenintensieve_patienten,
    coalesce(totals.omzet_sggz_kostenintensief, 0) as omzet_sggz_kostenintensief,
    coalesce(totals.omzet_sggz_excl, 0) as omzet_sggz_excl,
    totals.patienten_sggz_excl,
    round(coalesce(totals.omzet_sggz_excl, 0) * parameters.plafond_index, 2) as voorgesteld_omzetplafond,
    -- in whole cents, rounded half away from zero: decimal division in DuckDB would go through a double
    case when totals.patienten_sggz_excl > 0 then cast(
        sign(cast(totals.omzet_sggz_excl * 100 as hugeint))
        * ((abs(cast(totals.omzet_sggz_excl * 100 as hugeint)) * 2 + totals.patienten_sggz_excl)
            // (2 * totals.patienten_sggz_excl)) as decimal(38, 0)) * 0.01 end as max_omzet_per_patient,
    case when market.omzet_markt > 0
        then cast(totals.omzet_totaal as double) / cast(market.omzet_markt as double) end as marktaandeel
from totals
join unique_patients using (instelling_agb)
cross join market
cross join parameters
