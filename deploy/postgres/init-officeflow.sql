-- officeflow's own database beside Temporal's, on the compose stack's PostgreSQL.
CREATE ROLE officeflow LOGIN PASSWORD 'officeflow';
CREATE DATABASE officeflow OWNER officeflow;
