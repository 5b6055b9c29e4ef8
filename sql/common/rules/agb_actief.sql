-- materialized: view (computed once, inside decisions.rule_results, through rules.stacked)
-- AGB_ACTIEF (both policies). Policy: Voorwaarden (en kwaliteitseisen) voor een contract > Algemeen;
-- contract start from the policy file (paramedie 1-1-2024, GGZ 1-1-2021). Pass when the onderneming is in the AGB register, started on or
-- before the peildatum, and its einde is empty or not before the contract start.
with parameters as (
    select peildatum, contract_start from policy.parameters
),

checked as (
    select
        units.praktijk_agb,
        units.discipline,
        ondernemingen.agb_code is not null as in_register,
        ondernemingen.aanvang,
        ondernemingen.einde,
        parameters.peildatum,
        parameters.contract_start
    from intermediate.units as units
    cross join parameters
    left join staged.ondernemingen as ondernemingen on ondernemingen.agb_code = units.praktijk_agb
)

select
    praktijk_agb,
    discipline,
    'AGB_ACTIEF' as rule,
    case
        when in_register and aanvang <= peildatum and (einde is null or einde >= contract_start) then 'pass'
        else 'fail'
    end as result,
    case
        when not in_register then 'onderneming niet gevonden in het AGB-register'
        when aanvang > peildatum then format('aanvang {} ligt na de peildatum {}', aanvang, peildatum)
        when einde < contract_start then format('einde {} ligt voor de contractstart {}', einde, contract_start)
        else format('aanvang {}, einde {}', aanvang, coalesce(cast(einde as varchar), 'leeg'))
    end as detail,
    'AGB_ACTIEF' as reason_code
from checked
