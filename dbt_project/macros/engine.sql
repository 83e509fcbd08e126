{#- Engine-specific SQL, one dispatch macro per construct (issue 22): `default__` is DuckDB's
    (the default engine; its SQL is exactly what the models wrote before), `spark__` is Spark
    SQL 4.x. A model writes `{{ epoch_s('ts') }}`, never an engine's function, so the same
    project builds on both (dbt_project/profiles.yml targets `local` and `spark`).

    Types: DuckDB's timestamptz (an instant) is Spark's TIMESTAMP (also an instant, shown in the
    session time zone, which the spark target sets to UTC); DuckDB's plain timestamp (a plant-
    local wall-clock time) is a Spark TIMESTAMP read as if UTC, which is how from_utc_timestamp
    and to_utc_timestamp use it. -#}

{#- Text type of casts and contracts: DuckDB `varchar`; Spark rejects varchar without a length. -#}
{% macro string_type() -%}
    {{ return(adapter.dispatch('string_type', 'shopfloor')()) }}
{%- endmacro %}
{% macro default__string_type() -%}{{ return('varchar') }}{%- endmacro %}
{% macro spark__string_type() -%}{{ return('string') }}{%- endmacro %}

{#- Type of an instant: DuckDB `timestamptz`; Spark's TIMESTAMP is one (session time zone). -#}
{% macro instant_type() -%}
    {{ return(adapter.dispatch('instant_type', 'shopfloor')()) }}
{%- endmacro %}
{% macro default__instant_type() -%}{{ return('timestamptz') }}{%- endmacro %}
{% macro spark__instant_type() -%}{{ return('timestamp') }}{%- endmacro %}

{#- Seconds since 1970-01-01 00:00 UTC of an instant, as a double (fractions kept). -#}
{% macro epoch_s(ts) -%}
    {{ return(adapter.dispatch('epoch_s', 'shopfloor')(ts)) }}
{%- endmacro %}
{% macro default__epoch_s(ts) -%}epoch({{ ts }}){%- endmacro %}
{% macro spark__epoch_s(ts) -%}(cast(unix_micros({{ ts }}) as double) / 1000000){%- endmacro %}

{#- Whole `unit`s ('second', 'minute') from instant `start` to instant `end`. DuckDB counts the
    unit boundaries crossed; Spark truncates the exact difference. They agree on whole-second
    timestamps, which every source delivers (the equality test's normalization names it). -#}
{% macro diff_in(unit, start, end) -%}
    {{ return(adapter.dispatch('diff_in', 'shopfloor')(unit, start, end)) }}
{%- endmacro %}
{% macro default__diff_in(unit, start, end) -%}date_diff('{{ unit }}', {{ start }}, {{ end }}){%- endmacro %}
{% macro spark__diff_in(unit, start, end) -%}timestampdiff({{ unit | upper }}, {{ start }}, {{ end }}){%- endmacro %}

{#- An interval of `n` minutes / seconds (n: a column or expression). -#}
{% macro minutes_interval(n) -%}
    {{ return(adapter.dispatch('minutes_interval', 'shopfloor')(n)) }}
{%- endmacro %}
{% macro default__minutes_interval(n) -%}to_minutes({{ n }}){%- endmacro %}
{% macro spark__minutes_interval(n) -%}make_dt_interval(0, 0, {{ n }}, 0){%- endmacro %}

{% macro seconds_interval(n) -%}
    {{ return(adapter.dispatch('seconds_interval', 'shopfloor')(n)) }}
{%- endmacro %}
{% macro default__seconds_interval(n) -%}to_seconds({{ n }}){%- endmacro %}
{% macro spark__seconds_interval(n) -%}make_dt_interval(0, 0, 0, {{ n }}){%- endmacro %}

{#- Wall-clock time in time zone `tz` of an instant (DuckDB: timezone(tz, timestamptz)). -#}
{% macro instant_to_wallclock(tz, ts) -%}
    {{ return(adapter.dispatch('instant_to_wallclock', 'shopfloor')(tz, ts)) }}
{%- endmacro %}
{% macro default__instant_to_wallclock(tz, ts) -%}timezone('{{ tz }}', {{ ts }}){%- endmacro %}
{% macro spark__instant_to_wallclock(tz, ts) -%}from_utc_timestamp({{ ts }}, '{{ tz }}'){%- endmacro %}

{#- The instant of a wall-clock time in time zone `tz` (DuckDB: timezone(tz, timestamp)). -#}
{% macro wallclock_to_instant(tz, ts) -%}
    {{ return(adapter.dispatch('wallclock_to_instant', 'shopfloor')(tz, ts)) }}
{%- endmacro %}
{% macro default__wallclock_to_instant(tz, ts) -%}timezone('{{ tz }}', {{ ts }}){%- endmacro %}
{% macro spark__wallclock_to_instant(tz, ts) -%}to_utc_timestamp({{ ts }}, '{{ tz }}'){%- endmacro %}

{#- True when `pattern` matches somewhere in `text` / matches the whole of `text` (RE2 / Java
    regex: the rule patterns use only the syntax both share). -#}
{% macro regex_contains(text, pattern) -%}
    {{ return(adapter.dispatch('regex_contains', 'shopfloor')(text, pattern)) }}
{%- endmacro %}
{% macro default__regex_contains(text, pattern) -%}regexp_matches({{ text }}, {{ pattern }}){%- endmacro %}
{% macro spark__regex_contains(text, pattern) -%}regexp_like({{ text }}, {{ pattern }}){%- endmacro %}

{% macro regex_full_match(text, pattern) -%}
    {{ return(adapter.dispatch('regex_full_match', 'shopfloor')(text, pattern)) }}
{%- endmacro %}
{% macro default__regex_full_match(text, pattern) -%}regexp_full_match({{ text }}, {{ pattern }}){%- endmacro %}
{% macro spark__regex_full_match(text, pattern) -%}regexp_like({{ text }}, '^(?:' || {{ pattern }} || ')$'){%- endmacro %}

{#- `text` with every match of `pattern` replaced (DuckDB replaces only the first without 'g'). -#}
{% macro regex_replace_all(text, pattern, replacement) -%}
    {{ return(adapter.dispatch('regex_replace_all', 'shopfloor')(text, pattern, replacement)) }}
{%- endmacro %}
{% macro default__regex_replace_all(text, pattern, replacement) -%}regexp_replace({{ text }}, {{ pattern }}, {{ replacement }}, 'g'){%- endmacro %}
{% macro spark__regex_replace_all(text, pattern, replacement) -%}regexp_replace({{ text }}, {{ pattern }}, {{ replacement }}){%- endmacro %}

{#- The value of `value` on the row with the least / greatest `order_by` (an aggregate). -#}
{% macro value_at_min(value, order_by) -%}
    {{ return(adapter.dispatch('value_at_min', 'shopfloor')(value, order_by)) }}
{%- endmacro %}
{% macro default__value_at_min(value, order_by) -%}arg_min({{ value }}, {{ order_by }}){%- endmacro %}
{% macro spark__value_at_min(value, order_by) -%}min_by({{ value }}, {{ order_by }}){%- endmacro %}

{% macro value_at_max(value, order_by) -%}
    {{ return(adapter.dispatch('value_at_max', 'shopfloor')(value, order_by)) }}
{%- endmacro %}
{% macro default__value_at_max(value, order_by) -%}arg_max({{ value }}, {{ order_by }}){%- endmacro %}
{% macro spark__value_at_max(value, order_by) -%}max_by({{ value }}, {{ order_by }}){%- endmacro %}

{#- A double rounded to `digits` decimals as DuckDB rounds one: scaled by 10^digits, rounded to
    the nearest integer (halves away from zero), scaled back. Spark's round() rounds the double's
    shortest decimal text instead, so a tie that is one ulp under in binary (98.487 / 60 =
    1.6414499999999999) rounds down there and up on DuckDB; the scaled form gives DuckDB's answer
    bit for bit (IEEE multiplication and division are exact-rounded on both). Doubles only: a
    decimal rounds exactly, alike, with round(). -#}
{% macro round_double(value, digits) -%}
    {{ return(adapter.dispatch('round_double', 'shopfloor')(value, digits)) }}
{%- endmacro %}
{% macro default__round_double(value, digits) -%}round({{ value }}, {{ digits }}){%- endmacro %}
{% macro spark__round_double(value, digits) -%}
    (round(({{ value }}) * 1e{{ digits }}, 0) / 1e{{ digits }})
{%- endmacro %}

{#- The date written as yyyymmdd in `text`: strptime fails on bad text, the try_ form gives null. -#}
{% macro yyyymmdd_to_date(text, strict=true) -%}
    {{ return(adapter.dispatch('yyyymmdd_to_date', 'shopfloor')(text, strict)) }}
{%- endmacro %}
{% macro default__yyyymmdd_to_date(text, strict) -%}
cast({{ '' if strict else 'try_' }}strptime({{ text }}, '%Y%m%d') as date)
{%- endmacro %}
{% macro spark__yyyymmdd_to_date(text, strict) -%}
    {%- if strict -%}to_date({{ text }}, 'yyyyMMdd'){%- else -%}cast(try_to_timestamp({{ text }}, 'yyyyMMdd') as date){%- endif -%}
{%- endmacro %}

{#- How an incremental model replaces its production dates (every incremental model's config):
    DuckDB deletes the run window's dates and inserts (macros/delete_insert.sql); dbt-spark has
    no delete+insert, so on Spark the table is Parquet partitioned by production_date and a run
    overwrites the partitions its rows carry (insert_overwrite, dynamic partition overwrite).
    Parquet, not Delta: Delta's jars are a Maven download at session start, which a CI runner
    without the internet cannot make, and a partition overwrite needs no MERGE. A windowed
    run first drops its window's partitions (macros/insert_overwrite.sql), so that a date that
    lost every row is emptied, as DuckDB's delete empties it. -#}
{% macro by_date_strategy() -%}
    {{ return(adapter.dispatch('by_date_strategy', 'shopfloor')()) }}
{%- endmacro %}
{% macro default__by_date_strategy() -%}{{ return('delete+insert') }}{%- endmacro %}
{% macro spark__by_date_strategy() -%}{{ return('insert_overwrite') }}{%- endmacro %}

{% macro by_date_unique_key() -%}
    {{ return(adapter.dispatch('by_date_unique_key', 'shopfloor')()) }}
{%- endmacro %}
{% macro default__by_date_unique_key() -%}{{ return('production_date') }}{%- endmacro %}
{% macro spark__by_date_unique_key() -%}{{ return(none) }}{%- endmacro %}

{% macro by_date_partition() -%}
    {{ return(adapter.dispatch('by_date_partition', 'shopfloor')()) }}
{%- endmacro %}
{% macro default__by_date_partition() -%}{{ return(none) }}{%- endmacro %}
{% macro spark__by_date_partition() -%}{{ return(['production_date']) }}{%- endmacro %}

{#- A plant-local time of day ('HH:MM[:SS]' text, or a literal 'HH:MM'): DuckDB's TIME; Spark has
    no TIME type, so there it is the day-time interval since midnight, which adds to a date (a
    wall-clock timestamp) and compares with another the same way. -#}
{% macro time_of_day(text) -%}
    {{ return(adapter.dispatch('time_of_day', 'shopfloor')(text)) }}
{%- endmacro %}
{% macro default__time_of_day(text) -%}cast({{ text }} as time){%- endmacro %}
{% macro spark__time_of_day(text) -%}
    (to_timestamp(concat('1970-01-01 ', {{ text }})) - timestamp '1970-01-01 00:00:00')
{%- endmacro %}

{#- A time of day (as time_of_day gives it) in the form a gold table stores: DuckDB's TIME; on
    Spark 'HH:MM:SS' text, because its interval since midnight does not survive Parquet (Spark's
    gold reaches the warehouse as Parquet, where the text casts to DuckDB's TIME). -#}
{% macro stored_time_of_day(value) -%}
    {{ return(adapter.dispatch('stored_time_of_day', 'shopfloor')(value)) }}
{%- endmacro %}
{% macro default__stored_time_of_day(value) -%}cast({{ value }} as time){%- endmacro %}
{% macro spark__stored_time_of_day(value) -%}
    date_format(timestamp '1970-01-01 00:00:00' + {{ value }}, 'HH:mm:ss')
{%- endmacro %}

{% macro time_literal(hhmm) -%}
    {{ return(adapter.dispatch('time_literal', 'shopfloor')(hhmm)) }}
{%- endmacro %}
{% macro default__time_literal(hhmm) -%}time '{{ hhmm }}'{%- endmacro %}
{% macro spark__time_literal(hhmm) -%}make_dt_interval(0, 0, {{ hhmm_minutes(hhmm) }}, 0){%- endmacro %}

{#- `value`s of a group joined by `delimiter` in `order_by` order (an aggregate). -#}
{% macro ordered_string_agg(value, delimiter, order_by) -%}
    {{ return(adapter.dispatch('ordered_string_agg', 'shopfloor')(value, delimiter, order_by)) }}
{%- endmacro %}
{% macro default__ordered_string_agg(value, delimiter, order_by) -%}string_agg({{ value }}, {{ delimiter }} order by {{ order_by }}){%- endmacro %}
{% macro spark__ordered_string_agg(value, delimiter, order_by) -%}listagg({{ value }}, {{ delimiter }}) within group (order by {{ order_by }}){%- endmacro %}

{#- The values of a group as a list in `order_by` order (an aggregate). -#}
{% macro ordered_list(value, order_by) -%}
    {{ return(adapter.dispatch('ordered_list', 'shopfloor')(value, order_by)) }}
{%- endmacro %}
{% macro default__ordered_list(value, order_by) -%}list({{ value }} order by {{ order_by }}){%- endmacro %}
{% macro spark__ordered_list(value, order_by) -%}array_sort(collect_list({{ value }})){%- endmacro %}

{#- A list type of `element` (contract and cast): DuckDB `element[]`, Spark `array<element>`. -#}
{% macro list_type(element) -%}
    {{ return(adapter.dispatch('list_type', 'shopfloor')(element)) }}
{%- endmacro %}
{% macro default__list_type(element) -%}{{ return(element ~ '[]') }}{%- endmacro %}
{% macro spark__list_type(element) -%}{{ return('array<' ~ element ~ '>') }}{%- endmacro %}

{% macro empty_list() -%}
    {{ return(adapter.dispatch('empty_list', 'shopfloor')()) }}
{%- endmacro %}
{% macro default__empty_list() -%}[]{%- endmacro %}
{% macro spark__empty_list() -%}array(){%- endmacro %}

{#- One row per `delimiter`-separated part of `text` (a set-returning select expression). -#}
{% macro split_to_rows(text, delimiter) -%}
    {{ return(adapter.dispatch('split_to_rows', 'shopfloor')(text, delimiter)) }}
{%- endmacro %}
{% macro default__split_to_rows(text, delimiter) -%}unnest(string_split({{ text }}, {{ delimiter }})){%- endmacro %}
{% macro spark__split_to_rows(text, delimiter) -%}explode(split({{ text }}, {{ delimiter }})){%- endmacro %}

{#- Every column of the FROM clause but `columns` (a comma-separated text). -#}
{% macro star_except(columns) -%}
    {{ return(adapter.dispatch('star_except', 'shopfloor')(columns)) }}
{%- endmacro %}
{% macro default__star_except(columns) -%}* exclude ({{ columns }}){%- endmacro %}
{% macro spark__star_except(columns) -%}* except ({{ columns }}){%- endmacro %}

{#- True when `text` begins with `prefix`. -#}
{% macro text_starts_with(text, prefix) -%}
    {{ return(adapter.dispatch('text_starts_with', 'shopfloor')(text, prefix)) }}
{%- endmacro %}
{% macro default__text_starts_with(text, prefix) -%}starts_with({{ text }}, {{ prefix }}){%- endmacro %}
{% macro spark__text_starts_with(text, prefix) -%}startswith({{ text }}, {{ prefix }}){%- endmacro %}

{#- An instant as ISO-8601 UTC text with a Z, to the second ('2026-10-22T04:00:00Z'). -#}
{% macro utc_iso_text(ts) -%}
    {{ return(adapter.dispatch('utc_iso_text', 'shopfloor')(ts)) }}
{%- endmacro %}
{% macro default__utc_iso_text(ts) -%}strftime({{ ts }} at time zone 'UTC', '%Y-%m-%dT%H:%M:%SZ'){%- endmacro %}
{% macro spark__utc_iso_text(ts) -%}date_format({{ ts }}, "yyyy-MM-dd'T'HH:mm:ss'Z'"){%- endmacro %}

{#- One row per integer in [start, stop) (a set-returning select expression; none when
    stop <= start). -#}
{% macro integer_range_rows(start, stop) -%}
    {{ return(adapter.dispatch('integer_range_rows', 'shopfloor')(start, stop)) }}
{%- endmacro %}
{% macro default__integer_range_rows(start, stop) -%}unnest(range({{ start }}, {{ stop }})){%- endmacro %}
{% macro spark__integer_range_rows(start, stop) -%}
    explode(case when {{ stop }} > {{ start }} then sequence({{ start }}, {{ stop }} - 1) else array() end)
{%- endmacro %}

{#- `select <every date from first to last> as <name> from <relation>`: a date spine over the
    one-row relation holding the bounds. -#}
{% macro select_date_series(first, last, name, relation) -%}
    {{ return(adapter.dispatch('select_date_series', 'shopfloor')(first, last, name, relation)) }}
{%- endmacro %}
{% macro default__select_date_series(first, last, name, relation) -%}
select cast(generate_series as date) as {{ name }}
    from {{ relation }}, generate_series({{ first }}, {{ last }}, interval '1 day')
{%- endmacro %}
{% macro spark__select_date_series(first, last, name, relation) -%}
select explode(sequence({{ first }}, {{ last }}, interval 1 day)) as {{ name }}
    from {{ relation }}
{%- endmacro %}

{#- The first / last non-null value of `value` in the window that follows (`... over (...)`). -#}
{% macro first_non_null(value) -%}
    {{ return(adapter.dispatch('first_non_null', 'shopfloor')(value)) }}
{%- endmacro %}
{% macro default__first_non_null(value) -%}first_value({{ value }} ignore nulls){%- endmacro %}
{% macro spark__first_non_null(value) -%}first_value({{ value }}, true){%- endmacro %}

{% macro last_non_null(value) -%}
    {{ return(adapter.dispatch('last_non_null', 'shopfloor')(value)) }}
{%- endmacro %}
{% macro default__last_non_null(value) -%}last_value({{ value }} ignore nulls){%- endmacro %}
{% macro spark__last_non_null(value) -%}last_value({{ value }}, true){%- endmacro %}

{#- Calendar parts of a date: ISO year, ISO week, ISO day of week (Monday 1 .. Sunday 7), and
    the English month and day names. -#}
{% macro date_part_of(part, day) -%}
    {{ return(adapter.dispatch('date_part_of', 'shopfloor')(part, day)) }}
{%- endmacro %}
{% macro default__date_part_of(part, day) -%}
    {{- {'iso_year': 'isoyear', 'iso_week': 'week', 'iso_day_of_week': 'isodow',
         'month_name': 'monthname', 'day_name': 'dayname'}[part] }}({{ day }})
{%- endmacro %}
{% macro spark__date_part_of(part, day) -%}
    {%- if part == 'iso_year' -%}extract(yearofweek from {{ day }})
    {%- elif part == 'iso_week' -%}weekofyear({{ day }})
    {%- elif part == 'iso_day_of_week' -%}extract(dayofweek_iso from {{ day }})
    {%- elif part == 'month_name' -%}date_format({{ day }}, 'MMMM')
    {%- elif part == 'day_name' -%}date_format({{ day }}, 'EEEE')
    {%- endif -%}
{%- endmacro %}

{#- The `fraction` quantile of `value` over a group: the nearest value at or below it (discrete)
    or interpolated linearly between the two nearest (continuous). -#}
{% macro quantile_discrete(value, fraction) -%}
    {{ return(adapter.dispatch('quantile_discrete', 'shopfloor')(value, fraction)) }}
{%- endmacro %}
{% macro default__quantile_discrete(value, fraction) -%}quantile_disc({{ value }}, {{ fraction }}){%- endmacro %}
{% macro spark__quantile_discrete(value, fraction) -%}percentile_disc({{ fraction }}) within group (order by {{ value }}){%- endmacro %}

{% macro quantile_linear(value, fraction) -%}
    {{ return(adapter.dispatch('quantile_linear', 'shopfloor')(value, fraction)) }}
{%- endmacro %}
{% macro default__quantile_linear(value, fraction) -%}quantile_cont({{ value }}, {{ fraction }}){%- endmacro %}
{% macro spark__quantile_linear(value, fraction) -%}percentile_cont({{ fraction }}) within group (order by {{ value }}){%- endmacro %}

{#- The rows of every relation in `relations` (CTE names), matched by column name. DuckDB fills
    a column one relation lacks with nulls; Spark has no UNION BY NAME in SQL, so there each
    relation is read for `columns`, the columns the model uses downstream (each relation must
    have them all). -#}
{% macro union_all_by_name(relations, columns) -%}
    {{ return(adapter.dispatch('union_all_by_name', 'shopfloor')(relations, columns)) }}
{%- endmacro %}
{% macro default__union_all_by_name(relations, columns) -%}
    {%- for relation in relations %}
    select * from {{ relation }}
    {%- if not loop.last %}
    union all by name
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
{% macro spark__union_all_by_name(relations, columns) -%}
    {%- for relation in relations %}
    select {{ columns | join(', ') }} from {{ relation }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

{#- Number of elements of a list. -#}
{% macro list_length(list) -%}
    {{ return(adapter.dispatch('list_length', 'shopfloor')(list)) }}
{%- endmacro %}
{% macro default__list_length(list) -%}len({{ list }}){%- endmacro %}
{% macro spark__list_length(list) -%}size({{ list }}){%- endmacro %}

{#- Whether the engine has table macros (the gold selection functions and their tests). -#}
{% macro has_table_macros() -%}
    {{ return(adapter.dispatch('has_table_macros', 'shopfloor')()) }}
{%- endmacro %}
{% macro default__has_table_macros() -%}{{ return(true) }}{%- endmacro %}
{% macro spark__has_table_macros() -%}{{ return(false) }}{%- endmacro %}
