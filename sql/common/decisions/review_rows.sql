-- Every reviewer's decision row judged against the selection (contract cycle 2). A decision applies
-- to a unit under review (an outcome whose eindbesluit is OPEN in seeds.outcomes: INDIVIDUELE_BEOORDELING,
-- and ZORGPLICHTTOETS for paramedie). Per unit the latest beoordeeld_op counts; rows on that date
-- that disagree are all quarantined and the review stays open; earlier rows are history (telt false).
-- Every other row (unknown unit, unit not under review) gets a quarantine reason and changes nothing.
with reviews as (
    select
        reviews.*,
        cases.outcome,
        vocabulary.eindbesluit = 'OPEN' as ter_beoordeling,
        reviews.beoordeeld_op = max(reviews.beoordeeld_op) over (
            partition by reviews.praktijk_agb, reviews.discipline) as laatste,
        -- rows of one date that say the same (they may differ in spaces only): the first one counts
        row_number() over (
            partition by reviews.praktijk_agb, reviews.discipline, reviews.beoordeeld_op
            order by reviews._file, reviews._line) as volgnummer
    from staged.reviews as reviews
    left join decisions.unit_cases as cases using (praktijk_agb, discipline)
    left join seeds.outcomes as vocabulary using (outcome)
),

latest_per_unit as (
    select
        praktijk_agb,
        discipline,
        count(distinct (besluit, motivering, beoordelaar)) > 1 as tegenstrijdig,
        list(_line order by _line) as regels
    from reviews
    where laatste
    group by praktijk_agb, discipline
),

review_outcomes as (
    select string_agg(outcome, ' or ' order by cast(volgorde as integer)) as namen
    from seeds.outcomes
    where eindbesluit = 'OPEN'
)

select
    reviews.praktijk_agb,
    reviews.discipline,
    reviews.besluit,
    reviews.motivering,
    reviews.beoordelaar,
    reviews.beoordeeld_op,
    reviews._file,
    reviews._line,
    case
        when reviews.outcome is null then
            format('({}, {}) is not a unit of this selection; a besluit applies only to a unit under review',
                reviews.praktijk_agb, reviews.discipline)
        when not reviews.ter_beoordeling then
            format('the unit has outcome {} and is not under review; a besluit applies only to {}',
                reviews.outcome, review_outcomes.namen)
        when reviews.laatste and latest.tegenstrijdig then
            format('conflicting besluiten for this unit on {} (lines {}); the review stays open until one besluit remains',
                reviews.beoordeeld_op, array_to_string(latest.regels[1:5], ', '))
    end as quarantine_reason,
    coalesce(reviews.ter_beoordeling and reviews.laatste and not latest.tegenstrijdig and reviews.volgnummer = 1, false) as telt
from reviews
cross join review_outcomes
left join latest_per_unit as latest using (praktijk_agb, discipline)
