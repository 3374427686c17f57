import { defineSystem } from '../system';
import { employeeActivities } from './employees';
import { equipmentActivities } from './equipment';

/** The HR system of record in PostgreSQL: employees, and the equipment ordered for them. */
export default defineSystem({
  name: 'hr',
  connect: (_settings, { pool }) => ({ activities: { ...employeeActivities(pool), ...equipmentActivities(pool) } }),
});
