-- Up Migration

-- The HR system of record: one employee per accepted offer. Name, personal e-mail and salary are personal data,
-- erased when an offer is rescinded; the number, dates, role and what happened stay for the audit.
CREATE SEQUENCE employee_number_seq START 1001;
CREATE TABLE employees (
  employee_number  text          PRIMARY KEY DEFAULT 'E-' || nextval('employee_number_seq'),
  candidate_id     text          NOT NULL UNIQUE,
  legal_name       text,
  personal_email   text,
  salary           numeric(14,2),
  currency         char(3)       NOT NULL,
  role             text          NOT NULL,
  department       text          NOT NULL,
  manager_email    text          NOT NULL,
  country          char(2)       NOT NULL,
  start_date       date          NOT NULL,
  status           text          NOT NULL DEFAULT 'hired' CHECK (status IN ('hired', 'active', 'rescinded')),
  it_account_id    text,
  work_email       text,
  payroll_id       text,
  rescinded_at     timestamptz,
  created_at       timestamptz   NOT NULL DEFAULT now()
);

-- Equipment ordered for a new employee, delivered once however often the delivery is reported.
CREATE SEQUENCE equipment_order_seq START 5001;
CREATE TABLE equipment_orders (
  order_number     text        PRIMARY KEY DEFAULT 'EQ-' || nextval('equipment_order_seq'),
  employee_number  text        NOT NULL UNIQUE REFERENCES employees,
  items            text[]      NOT NULL,
  status           text        NOT NULL DEFAULT 'ordered' CHECK (status IN ('ordered', 'delivered', 'cancelled')),
  delivery_id      text,
  created_at       timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE equipment_orders;
DROP SEQUENCE equipment_order_seq;
DROP TABLE employees;
DROP SEQUENCE employee_number_seq;
