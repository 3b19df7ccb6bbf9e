-- The "RDS" side of the pipeline: the customers table the second crawler finds (schema crm).
DROP SCHEMA IF EXISTS crm CASCADE;
CREATE SCHEMA crm;
CREATE TABLE crm.customers (
    customer_id int4 PRIMARY KEY,
    name text NOT NULL,
    country char(2) NOT NULL,
    credit_limit numeric(10,2),
    signed_up date
);
INSERT INTO crm.customers VALUES
    (1, 'Amélie Dubois', 'FR', 1000.00, '2023-03-01'),
    (2, 'Bruno Costa', 'BR', 500.00, '2023-06-15'),
    (3, 'Chidi Okafor', 'NG', 2500.00, '2023-09-30'),
    (4, 'Dana Novak', 'CZ', 300.00, '2024-01-02');
-- The "Redshift" side: the warehouse schema the load step writes into (through a jdbc:redshift:// URL).
DROP SCHEMA IF EXISTS analytics CASCADE;
CREATE SCHEMA analytics;
