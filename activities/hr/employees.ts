import type { Pool } from 'pg';
import type { NewHire } from '../../contracts/hire';
import { toDecimal } from '../../contracts/money';

/** The HR system of record. Every write is keyed by the candidate or employee number, so retries are harmless. */
export function employeeActivities(pool: Pool) {
  return {
    async createEmployeeRecord(hire: NewHire): Promise<{ employeeNumber: string }> {
      const { rows } = await pool.query<{ employee_number: string }>(
        `INSERT INTO employees (candidate_id, legal_name, personal_email, salary, currency, role, department, manager_email, country, start_date)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (candidate_id) DO UPDATE SET candidate_id = EXCLUDED.candidate_id
         RETURNING employee_number`,
        [
          hire.candidateId,
          hire.legalName,
          hire.personalEmail,
          toDecimal(hire.salary),
          hire.salary.currency,
          hire.role,
          hire.department,
          hire.managerEmail,
          hire.country,
          hire.startDate,
        ],
      );
      return { employeeNumber: rows[0].employee_number };
    },

    /**
     * A leaver whose access has ended: marked `left` with their last day, once. Answers what the record says: `left`,
     * `rescinded` (their offer was, and nothing was theirs to end), or `unknown` (no such employee).
     */
    async markEmployeeLeft({
      employeeNumber,
      lastDay,
    }: {
      employeeNumber: string;
      lastDay: string;
    }): Promise<'left' | 'rescinded' | 'unknown'> {
      const { rows } = await pool.query<{ status: string }>(
        `UPDATE employees SET status = CASE WHEN status = 'rescinded' THEN status ELSE 'left' END,
                last_day = CASE WHEN status = 'rescinded' THEN last_day ELSE coalesce(last_day, $2) END
          WHERE employee_number = $1 RETURNING status`,
        [employeeNumber, lastDay],
      );
      return (rows[0]?.status as 'left' | 'rescinded' | undefined) ?? 'unknown';
    },

    async markEmployeeActive(employeeNumber: string): Promise<void> {
      await pool.query(`UPDATE employees SET status = 'active' WHERE employee_number = $1 AND status = 'hired'`, [employeeNumber]);
    },

    /**
     * A rescinded offer: the personal data goes (name, personal e-mail, salary); the number, role, dates and the
     * accounts that were made and undone stay, as the audit needs them.
     */
    async eraseEmployeeData(employeeNumber: string): Promise<void> {
      await pool.query(
        `UPDATE employees SET legal_name = NULL, personal_email = NULL, salary = NULL, status = 'rescinded',
                rescinded_at = coalesce(rescinded_at, now())
          WHERE employee_number = $1`,
        [employeeNumber],
      );
    },
  };
}

/** What the robots type into the portals: read from the record, so personal data never passes through a step's input. */
export async function employeeForPortals(pool: Pool, employeeNumber: string) {
  const { rows } = await pool.query<{
    legal_name: string;
    personal_email: string;
    salary: string;
    currency: string;
    role: string;
    department: string;
    country: string;
    start_date: string;
  }>(
    `SELECT legal_name, personal_email, salary::text, currency, role, department, country, to_char(start_date, 'YYYY-MM-DD') AS start_date
       FROM employees WHERE employee_number = $1`,
    [employeeNumber],
  );
  if (!rows[0]) throw new Error(`no employee ${employeeNumber}`);
  return rows[0];
}

/** Keeps the ids a portal generated on the employee's record. */
export async function recordPortalIds(
  pool: Pool,
  employeeNumber: string,
  ids: { it_account_id?: string; work_email?: string; payroll_id?: string },
) {
  const columns = Object.keys(ids) as Array<keyof typeof ids>;
  await pool.query(`UPDATE employees SET ${columns.map((column, i) => `${column} = $${i + 2}`).join(', ')} WHERE employee_number = $1`, [
    employeeNumber,
    ...columns.map((column) => ids[column]),
  ]);
}
