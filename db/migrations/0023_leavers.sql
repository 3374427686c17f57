-- Up Migration

-- An employee who leaves: their last day, and the status `left` once their access has ended.
ALTER TABLE employees DROP CONSTRAINT employees_status_check;
ALTER TABLE employees ADD CONSTRAINT employees_status_check CHECK (status IN ('hired', 'active', 'rescinded', 'left'));
ALTER TABLE employees ADD COLUMN last_day date;

-- Down Migration
ALTER TABLE employees DROP COLUMN last_day;
ALTER TABLE employees DROP CONSTRAINT employees_status_check;
ALTER TABLE employees ADD CONSTRAINT employees_status_check CHECK (status IN ('hired', 'active', 'rescinded'));
