-- Rewrites only the partitions (regions) that have new orders.
{{ config(materialized='incremental', incremental_strategy='insert_overwrite', partition_by=['region']) }}
select sum(amount) as total, count(*) as orders, max(order_id) as last_order, region
from {{ ref('orders') }}
{% if is_incremental() %}
where region in (select region from {{ ref('orders') }} where order_id > (select max(last_order) from {{ this }}))
{% endif %}
group by region
