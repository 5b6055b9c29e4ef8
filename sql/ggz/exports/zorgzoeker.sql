-- zorgzoeker.parquet: what the insurer's zorgzoeker shows insured people, one row per active
-- vestiging of every GGZ unit (columns as in paramedie). Contracted (status voorlopig) when the
-- outcome is LOPENDE_OVEREENKOMST (a contract covers the year) or DIGITAAL_AANBOD (the digital
-- contract goes out); an OFFERTE_UITNODIGING is not shown as contracted until it is accepted. When
-- acceptances are given: contracted when accepted (status definitief). Contract ggz-2021 6.
-- Policy: Tijdpad (publicatie gecontracteerde zorg op websites 12 november).
with parameters as (
    select publication_date from policy.parameters
),

acceptances_given as (
    select count(*) > 0 as given from staged.acceptances
),

accepted as (
    select distinct praktijk_agb, discipline from staged.acceptances
),

units as (
    select
        outcomes.praktijk_agb,
        outcomes.discipline,
        outcomes.outcome,
        case
            when acceptances_given.given then accepted.praktijk_agb is not null
            else outcomes.outcome in ('LOPENDE_OVEREENKOMST', 'DIGITAAL_AANBOD')
        end as gecontracteerd,
        case when acceptances_given.given then 'definitief' else 'voorlopig' end as status
    from decisions.unit_outcomes as outcomes
    cross join acceptances_given
    left join accepted using (praktijk_agb, discipline)
)

select
    vestigingen.vestiging_agb,
    units.praktijk_agb,
    coalesce(vestigingen.naam, ondernemingen.naam) as naam,
    vestigingen.straat,
    vestigingen.huisnummer,
    vestigingen.huisnummer_toevoeging,
    vestigingen.postcode,
    vestigingen.plaats,
    units.discipline,
    units.gecontracteerd,
    case when units.gecontracteerd then terms.ingangsdatum end as contract_ingangsdatum,
    case when units.gecontracteerd then terms.einddatum end as contract_einddatum,
    case
        when units.gecontracteerd then format('Gecontracteerd voor GGZ van {} tot en met {}.',
            strftime(terms.ingangsdatum, '%d-%m-%Y'), strftime(terms.einddatum, '%d-%m-%Y'))
        when units.status = 'voorlopig' and units.outcome = 'OFFERTE_UITNODIGING'
            then 'Nog niet gecontracteerd: de offerteprocedure loopt.'
        else 'Niet gecontracteerd. De zorg wordt vergoed conform de polisvoorwaarden.'
    end as toelichting,
    units.status,
    parameters.publication_date as publicatiedatum
from units
join intermediate.active_vestigingen as vestigingen on vestigingen.onderneming_agb = units.praktijk_agb
left join staged.ondernemingen as ondernemingen on ondernemingen.agb_code = units.praktijk_agb
left join policy.contract_terms as terms using (discipline)
cross join parameters
order by vestigingen.vestiging_agb, units.discipline
