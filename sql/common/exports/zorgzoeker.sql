-- materialized: view (read once, by the Parquet writer)
-- zorgzoeker.parquet: what the insurer's zorgzoeker shows insured people, one row per active
-- vestiging of every unit (and discipline, for paramedie). Whether a unit is contracted, and
-- its status (voorlopig, or definitief when acceptances are given), comes from the domain's
-- decisions.zorgzoeker_units, with the dates of the contract it has (a running contract's own). Contract paramedie-2024 7, ggz-2021 6. Policy: Inkoopsystematiek
-- (niet-gecontracteerde zorgaanbieder: vergoed conform de polisvoorwaarden); Tijdpad (publicatie).
with parameters as (
    select publication_date from policy.parameters
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
    case when units.gecontracteerd then units.contract_ingangsdatum end as contract_ingangsdatum,
    case when units.gecontracteerd then units.contract_einddatum end as contract_einddatum,
    case
        when units.gecontracteerd and units.contract_einddatum is null then format('Gecontracteerd voor {} vanaf {}.',
            units.aanbod, strftime(units.contract_ingangsdatum, '%d-%m-%Y'))
        when units.gecontracteerd then format('Gecontracteerd voor {} van {} tot en met {}.',
            units.aanbod, strftime(units.contract_ingangsdatum, '%d-%m-%Y'), strftime(units.contract_einddatum, '%d-%m-%Y'))
        else units.toelichting_niet_gecontracteerd
    end as toelichting,
    units.status,
    parameters.publication_date as publicatiedatum
from decisions.zorgzoeker_units as units
join intermediate.active_vestigingen as vestigingen on vestigingen.onderneming_agb = units.praktijk_agb
left join staged.ondernemingen as ondernemingen on ondernemingen.agb_code = units.praktijk_agb
cross join parameters
order by vestigingen.vestiging_agb, units.discipline
