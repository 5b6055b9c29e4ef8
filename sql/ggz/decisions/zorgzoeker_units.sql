-- Per GGZ unit what the zorgzoeker says (sql/common/exports/zorgzoeker.sql adds the vestigingen).
-- Voorlopig: contracted when the outcome is LOPENDE_OVEREENKOMST (a contract covers the year) or
-- DIGITAAL_AANBOD (the digital contract goes out); an OFFERTE_UITNODIGING is not shown as
-- contracted until it is accepted. When acceptances are given: contracted when accepted (status
-- definitief). Contract ggz-2021 6. Policy: Tijdpad (publicatie gecontracteerde zorg 12 november).
with acceptances_given as (
    select count(*) > 0 as given from staged.acceptances
),

accepted as (
    select distinct praktijk_agb, discipline from staged.acceptances
)

select
    outcomes.praktijk_agb,
    outcomes.discipline,
    'GGZ' as aanbod,
    case
        when acceptances_given.given then accepted.praktijk_agb is not null
        else outcomes.outcome in ('LOPENDE_OVEREENKOMST', 'DIGITAAL_AANBOD')
    end as gecontracteerd,
    case
        when not acceptances_given.given and outcomes.outcome = 'OFFERTE_UITNODIGING'
            then 'Nog niet gecontracteerd: de offerteprocedure loopt.'
        else 'Niet gecontracteerd. De zorg wordt vergoed conform de polisvoorwaarden.'
    end as toelichting_niet_gecontracteerd,
    case when acceptances_given.given then 'definitief' else 'voorlopig' end as status
from decisions.unit_outcomes as outcomes
cross join acceptances_given
left join accepted using (praktijk_agb, discipline)
