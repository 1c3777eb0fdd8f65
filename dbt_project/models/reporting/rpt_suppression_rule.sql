{#- The suppression rule of published figures, as a table: one row, the denominator below which
    a figure is printed x (suppression_threshold()). For the pack's one table of figures that
    do not come through the reporting layer: the revisions page prints values first published
    and now from the revision history (the analyst database's marts.kpi_revisions, written at
    publication, unsuppressed), and suppresses them by this rule, so the rule stays defined
    once. -#}
with

final as (

    select cast({{ suppression_threshold() }} as integer) as denominator_below

)

select * from final
