{{ config(materialized='view') }}
select order_id, amount from {{ ref('orders') }} where region = 'north'
