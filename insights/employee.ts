import type { Pool } from 'pg';
import { type ObjectRun, type OpenTask, openTasksOf, runsTouching } from './object-runs';

/** One employee across every process: their hire and offboarding, the tasks about them, their equipment. */
export interface EmployeeView {
  employee: string;
  /** HR's record without personal data: number, role, department, status and start, the accounts they were given. */
  record?: {
    employeeNumber: string;
    candidateId: string;
    role: string;
    department: string;
    status: string;
    startDate: string;
    itAccount: boolean;
    payroll: boolean;
  };
  equipment?: { orderNumber: string; status: string };
  runs: ObjectRun[];
  openTasks: OpenTask[];
}

/** An employee by their number (`E-1001`) or their candidate id in the applicant-tracking system. */
export async function employeeView(pool: Pool, employee: string, taskQueues: string[]): Promise<EmployeeView> {
  const {
    rows: [record],
  } = await pool.query<NonNullable<EmployeeView['record']>>(
    `SELECT employee_number AS "employeeNumber", candidate_id AS "candidateId", role, department, status,
            start_date::text AS "startDate", it_account_id IS NOT NULL AS "itAccount", payroll_id IS NOT NULL AS payroll
       FROM employees WHERE employee_number = $1 OR candidate_id = $1`,
    [employee],
  );
  const {
    rows: [equipment],
  } = await pool.query<NonNullable<EmployeeView['equipment']>>(
    `SELECT order_number AS "orderNumber", status FROM equipment_orders WHERE employee_number = $1`,
    [record?.employeeNumber ?? null],
  );
  const runs = await runsTouching(
    pool,
    { employee: [record?.employeeNumber ?? employee], candidate: [record?.candidateId ?? employee] },
    taskQueues,
  );
  return { employee, ...(record ? { record } : {}), ...(equipment ? { equipment } : {}), runs, openTasks: await openTasksOf(pool, runs) };
}
