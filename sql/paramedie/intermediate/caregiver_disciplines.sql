-- The discipline(s) of each zorgverlener: from the AGB zorgsoort, and for zorgsoort 90
-- from its kwalificaties (seeds/paramedie/agb_disciplines.csv). Contract 4.
with by_zorgsoort as (
    select zorgverleners.zorgverlener_agb, disciplines.discipline
    from staged.zorgverleners as zorgverleners
    join seeds.agb_disciplines as disciplines
        on disciplines.zorgsoort = zorgverleners.zorgsoort
        and disciplines.kwalificatie is null
),

kwalificaties as (
    select zorgverlener_agb, zorgsoort, unnest(kwalificaties) as kwalificatie
    from staged.zorgverleners
),

by_kwalificatie as (
    select kwalificaties.zorgverlener_agb, disciplines.discipline
    from kwalificaties
    join seeds.agb_disciplines as disciplines
        on disciplines.zorgsoort = kwalificaties.zorgsoort
        and disciplines.kwalificatie = kwalificaties.kwalificatie
)

select distinct zorgverlener_agb, discipline from by_zorgsoort
union
select distinct zorgverlener_agb, discipline from by_kwalificatie
