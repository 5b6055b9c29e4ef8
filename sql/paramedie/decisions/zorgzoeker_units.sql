-- Per unit what the zorgzoeker says (sql/common/exports/zorgzoeker.sql adds the vestigingen).
-- Voorlopig (no acceptances given): contracted when the outcome is PROACTIEF_AANBOD. Definitief
-- (acceptances given): contracted when an acceptance counts (decisions.acceptance_status: an offer,
-- accepted on or before the signing deadline). A unit with a running contract (LOPENDE_OVEREENKOMST)
-- is contracted in both, without an acceptance; an offer made after review only once accepted.
-- Policy: Inkoopsystematiek ("in de zorgzoeker ... getoond als niet-gecontracteerde zorgaanbieder en
-- ... vergoed conform de polisvoorwaarden"). Contract 7 and cycle 3.
select
    outcomes.praktijk_agb,
    outcomes.discipline,
    outcomes.discipline as aanbod,
    case
        when outcomes.eindbesluit = 'LOPENDE_OVEREENKOMST' then true
        when acceptances.acceptances_given then acceptances.geaccepteerd
        else outcomes.outcome = 'PROACTIEF_AANBOD'
    end as gecontracteerd,
    -- a running contract keeps its own dates (an open end stays open); an offer gets the contract term
    case when outcomes.eindbesluit = 'LOPENDE_OVEREENKOMST' then outcomes.contract_ingangsdatum
         else coalesce(outcomes.contract_ingangsdatum, terms.ingangsdatum) end as contract_ingangsdatum,
    case when outcomes.eindbesluit = 'LOPENDE_OVEREENKOMST' then outcomes.contract_einddatum
         else coalesce(outcomes.contract_einddatum, terms.einddatum) end as contract_einddatum,
    'Niet gecontracteerd. De zorg wordt vergoed conform de polisvoorwaarden.' as toelichting_niet_gecontracteerd,
    acceptances.status
from decisions.unit_outcomes as outcomes
join decisions.acceptance_status as acceptances using (praktijk_agb, discipline)
left join policy.contract_terms as terms using (discipline)
