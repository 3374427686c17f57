import type { z } from 'zod';

/** One thing wrong with a request, named by the field a sender must fix. */
export interface FieldError {
  field: string;
  message: string;
}

/** Input quoted back to a sender, cut short: an answer never repeats a large body. */
export const clip = (text: string, max = 100): string => (text.length > max ? `${text.slice(0, max)}…` : text);

/** A request that is refused as a whole: status, a machine-readable code and what to fix. */
export class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(clip(message, 500));
  }

  toBody() {
    return { error: this.code, message: this.message, ...(this.fields.length > 0 ? { fields: this.fields } : {}) };
  }
}

/** zod issues as field errors, each path prefixed with where the value came from (e.g. `data`). */
export function fieldErrors(error: z.ZodError, prefix: string): FieldError[] {
  return error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
    message: issue.message,
  }));
}

/** Parses JSON a sender wrote, refusing it with 400 naming `field` when it is not JSON. */
export function parseJson(text: string, field: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Refusal(400, 'malformed_json', `the ${field} is not valid JSON: ${clip((error as Error).message)}`, [
      { field, message: 'not valid JSON' },
    ]);
  }
}
