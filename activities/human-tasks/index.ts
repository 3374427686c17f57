import { defineSystem } from '../system';
import { overdueTaskActivities } from './overdue';
import { taskListActivities } from './store';

/** People's tasks as officeflow keeps them in PostgreSQL, for the inbox and the task API to list. */
export default defineSystem({
  name: 'human-tasks',
  connect: (_settings, { pool }) => ({ activities: { ...taskListActivities(pool), ...overdueTaskActivities(pool) } }),
});
