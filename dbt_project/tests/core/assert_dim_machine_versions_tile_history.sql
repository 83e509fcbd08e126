-- Detects a broken SCD2 history in dim_machine: per machine the versions must follow each other
-- without gap or overlap (valid_to = next valid_from), at most one version may be current and
-- open (9999-12-31; none for a machine retired from the asset registry, whose last version
-- closes), and every production date of a batch must find exactly one version.
-- Dagster reports it as a check of fct_production_batch (meta.dagster.ref): it runs with the
-- incremental facts, after dim_machine is rebuilt.
{{ config(meta={'dagster': {'ref': {'name': 'fct_production_batch'}}}) }}
with

versions as (
    select
        *,
        lead(valid_from) over (partition by machine_id order by valid_from) as next_valid_from
    from {{ ref('dim_machine') }}
),

broken_chain as (
    select machine_id, cast(valid_from as {{ string_type() }}) as detail, 'gap or overlap after this version' as problem
    from versions
    where next_valid_from is not null and next_valid_from <> valid_to
),

bad_current as (
    select machine_id, cast(count(*) as {{ string_type() }}) as detail, 'not exactly one open current version' as problem
    from versions
    where is_current and valid_to = date '9999-12-31'
    group by machine_id
    having count(*) > 1
),

open_but_retired as (
    select machine_id, cast(valid_from as {{ string_type() }}) as detail, 'open version that is not current' as problem
    from versions
    where not is_current and valid_to = date '9999-12-31'
),

batch_lookups as (
    select
        batches.machine_id,
        cast(batches.production_date as {{ string_type() }}) as detail,
        'batch date matches ' || count(versions.machine_key) || ' versions' as problem
    from {{ ref('fct_production_batch') }} as batches
    left join versions
        on
            batches.machine_id = versions.machine_id
            and batches.production_date >= versions.valid_from
            and batches.production_date < versions.valid_to
    group by batches.batch_id, batches.machine_id, batches.production_date
    having count(versions.machine_key) <> 1
)

select * from broken_chain
union all
select * from bad_current
union all
select * from open_but_retired
union all
select * from batch_lookups
