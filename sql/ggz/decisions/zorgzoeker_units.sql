-- Per GGZ unit what the zorgzoeker says (sql/common/exports/zorgzoeker.sql adds the vestigingen).
-- Voorlopig: contracted when the outcome is LOPENDE_OVEREENKOMST (a contract covers the year) or
-- DIGITAAL_AANBOD (the digital contract goes out); an OFFERTE_UITNODIGING, and an offer made after
-- review, is not shown as contracted until it is accepted. When acceptances are given (status
-- definitief): contracted when an acceptance counts (decisions.acceptance_status: an offer, accepted on
-- or before the signing deadline), and LOPENDE_OVEREENKOMST without one. Contract ggz-2021 6 and
-- cycle 3. Policy: Tijdpad (publicatie gecontracteerde zorg 12 november).
select
    outcomes.praktijk_agb,
    outcomes.discipline,
    'GGZ' as aanbod,
    case
        when outcomes.eindbesluit = 'LOPENDE_OVEREENKOMST' then true
        when acceptances.acceptances_given then acceptances.geaccepteerd
        else outcomes.outcome = 'DIGITAAL_AANBOD'
    end as gecontracteerd,
    terms.ingangsdatum as contract_ingangsdatum,
    terms.einddatum as contract_einddatum,
    case
        when not acceptances.acceptances_given and outcomes.eindbesluit = 'AANBIEDEN' and outcomes.aanbodlijst = 'offerte_uitnodigingen'
            then 'Nog niet gecontracteerd: de offerteprocedure loopt.'
        when not acceptances.acceptances_given and outcomes.na_beoordeling
            then 'Nog niet gecontracteerd: het contractaanbod staat open.'
        else 'Niet gecontracteerd. De zorg wordt vergoed conform de polisvoorwaarden.'
    end as toelichting_niet_gecontracteerd,
    acceptances.status
from decisions.unit_outcomes as outcomes
join decisions.acceptance_status as acceptances using (praktijk_agb, discipline)
left join policy.contract_terms as terms using (discipline)
