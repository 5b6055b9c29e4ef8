-- zorgzoeker.parquet: what the insurer's zorgzoeker shows insured people, one row per active
-- vestiging and discipline of every unit. Contracted when the outcome is PROACTIEF_AANBOD
-- (status voorlopig), or, when acceptances are given, when the unit has an acceptance (status
-- definitief). Policy: Inkoopsystematiek ("in de zorgzoeker ... getoond als
-- niet-gecontracteerde zorgaanbieder en ... vergoed conform de polisvoorwaarden"). Contract 7.
with parameters as (
    select publication_date from policy.parameters
),

acceptances_given as (
    select count(*) > 0 as given from staged.acceptances
),

accepted as (
    select distinct
        acceptances.praktijk_agb,
        case when ondernemingen.is_instelling then 'instelling' else acceptances.discipline end as discipline
    from staged.acceptances as acceptances
    left join intermediate.ondernemingen_units as ondernemingen using (praktijk_agb)
),

units as (
    select
        outcomes.praktijk_agb,
        outcomes.discipline,
        case
            when acceptances_given.given then accepted.praktijk_agb is not null
            else outcomes.outcome = 'PROACTIEF_AANBOD'
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
        when units.gecontracteerd then format('Gecontracteerd voor {} van {} tot en met {}.',
            units.discipline, strftime(terms.ingangsdatum, '%d-%m-%Y'), strftime(terms.einddatum, '%d-%m-%Y'))
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
