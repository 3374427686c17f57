/** A setting a person must fix; shown as it is, without a stack trace. */
export class ConfigError extends Error {}
