import { Ajv, type ErrorObject, type JSONSchemaType } from 'ajv';
import { ConfigInvalidError, type ConfigProblem } from './errors.js';

/**
 * A typed, validated, frozen configuration read from environment variables.
 *
 * `envNames` maps each config property to its variable; the ajv schema gives types (strings are
 * coerced), bounds and defaults. Unset and empty variables take the default.
 *
 * @example
 * const load = createConfigLoader<ValidatorConfig>(schema, { queueUrl: 'VALIDATOR_QUEUE_URL', … });
 * const config = load(process.env); // throws ConfigInvalidError naming every bad variable
 */
export function createConfigLoader<T extends object>(
  schema: JSONSchemaType<T>,
  envNames: { readonly [K in keyof T]-?: string },
): (env: Readonly<Record<string, string | undefined>>) => Readonly<T> {
  const validate = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true }).compile(schema);
  const variableOf = (property: string): string => (envNames as Record<string, string>)[property] ?? property;
  return (env) => {
    const raw: Record<string, unknown> = {};
    for (const [property, variable] of Object.entries(envNames) as [string, string][]) {
      const value = env[variable]?.trim();
      if (value !== undefined && value !== '') raw[property] = value;
    }
    if (!validate(raw)) {
      throw new ConfigInvalidError((validate.errors ?? []).map((error) => toProblem(error, variableOf)));
    }
    return Object.freeze(raw as T);
  };
}

function toProblem(error: ErrorObject, variableOf: (property: string) => string): ConfigProblem {
  if (error.keyword === 'required') {
    const property = (error.params as { missingProperty: string }).missingProperty;
    return { variable: variableOf(property), problem: 'is required' };
  }
  if (error.keyword === 'additionalProperties') {
    const property = (error.params as { additionalProperty: string }).additionalProperty;
    return { variable: variableOf(property), problem: 'is not a known setting' };
  }
  const property = error.instancePath.split('/')[1] ?? '';
  return { variable: variableOf(property), problem: error.message ?? 'is invalid' };
}
