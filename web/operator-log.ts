import { plainText } from '../contracts/fields';

/** Why an operator did something, in their words: required, kept in the operator log (and a run's history). */
export const operatorReason = plainText(1000).trim().min(1, 'say why');
