-- The source of the other models; the second `dbt run` (--vars '{batch: 2}') adds order 4.
{{ config(materialized='table') }}
select 1 as order_id, 'north' as region, 10 as amount
union all select 2, 'south', 5
union all select 3, 'north', 7
{% if var('batch', 1) >= 2 %}
union all select 4, 'north', 12
{% endif %}
