-- Waiting-time talks: the diagnosegroepen of wachttijd_diagnosegroepen (adhd, autisme,
-- persoonlijkheidsstoornissen) whose latest waiting times (latest peildatum per institution and
-- group) exceed either Treeknorm: aanmelding > treeknorm_aanmelding_weken or behandeling >
-- treeknorm_behandeling_weken. A topic for agreements; it never decides the outcome.
-- Contract ggz-2021 4. Policy: Dit vinden wij belangrijk > Wachttijden.
with parameters as (
    select treeknorm_aanmelding_weken, treeknorm_behandeling_weken, wachttijd_diagnosegroepen from policy.parameters
),

latest as (
    select wachttijden.*
    from staged.wachttijden as wachttijden
    qualify row_number() over (partition by instelling_agb, diagnosegroep order by peildatum desc) = 1
),

exceeding as (
    select latest.instelling_agb, latest.diagnosegroep
    from latest
    cross join parameters
    where list_contains(parameters.wachttijd_diagnosegroepen, latest.diagnosegroep)
        and (latest.aanmeldingswachttijd_weken > parameters.treeknorm_aanmelding_weken
            or latest.behandelwachttijd_weken > parameters.treeknorm_behandeling_weken)
)

select
    units.praktijk_agb,
    units.discipline,
    coalesce(list(exceeding.diagnosegroep order by exceeding.diagnosegroep)
        filter (where exceeding.diagnosegroep is not null), []) as wachttijd_gesprek
from intermediate.units as units
left join exceeding on exceeding.instelling_agb = units.praktijk_agb
group by units.praktijk_agb, units.discipline
