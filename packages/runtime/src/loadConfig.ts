import { Ajv, type ErrorObject, type JSONSchemaType } from 'ajv';
import { ConfigInvalidError } from './errors.js';

/** Environment variable of each config property. */
export type ConfigEnvNames<T> = { readonly [K in keyof T]-?: string };

/** Reads a configuration from environment variables; throws {@link ConfigInvalidError}. */
export type ConfigLoader<T> = (env: Readonly<Record<string, string | undefined>>) => Readonly<T>;

/**
 * A check across settings that a JSON Schema cannot express (one value below another).
 *
 * It runs only when each of its `settings` passed the schema, so it sees typed values, and its
 * problem is reported on the first of them, next to the schema's problems.
 */
export interface ConfigRule<T> {
  readonly settings: readonly [keyof T, ...(keyof T)[]];
  /** What is wrong, or undefined; `variableOf` names another setting's variable in the message. */
  check(config: Readonly<T>, variableOf: (setting: keyof T) => string): string | undefined;
}

/**
 * A typed, validated, frozen configuration read from environment variables.
 *
 * `envNames` maps each config property to its variable; the ajv schema gives types (strings are
 * coerced), bounds and defaults. Unset and empty variables take the default. `rules` check
 * settings against each other; their problems join the schema's in one error.
 *
 * @example
 * const load = createConfigLoader<ValidatorConfig>(schema, { queueUrl: 'VALIDATOR_QUEUE_URL', … });
 * const config = load(process.env); // throws ConfigInvalidError naming every bad variable
 */
export function createConfigLoader<T extends object>(
  schema: JSONSchemaType<T>,
  envNames: ConfigEnvNames<T>,
  rules: readonly ConfigRule<T>[] = [],
): ConfigLoader<T> {
  const validate = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true }).compile(schema);
  const variableOf = (property: PropertyKey): string =>
    (envNames as Record<PropertyKey, string>)[property] ?? String(property);
  return (env) => {
    const raw: Record<string, unknown> = {};
    for (const [property, variable] of Object.entries(envNames) as [string, string][]) {
      const value = env[variable]?.trim();
      if (value !== undefined && value !== '') raw[property] = value;
    }
    const schemaProblems = validate(raw) ? [] : (validate.errors ?? []).map(toPropertyProblem);
    const invalid = new Set(schemaProblems.map(({ property }) => property));
    // ajv has applied defaults and coercions in place, so each rule reads typed values.
    const config = raw as T;
    const ruleProblems = rules
      .filter((rule) => rule.settings.every((setting) => !invalid.has(String(setting))))
      .flatMap((rule) => {
        const problem = rule.check(config, variableOf);
        return problem === undefined ? [] : [{ property: String(rule.settings[0]), problem }];
      });
    const problems = [...schemaProblems, ...ruleProblems];
    if (problems.length > 0) {
      throw new ConfigInvalidError(
        problems.map(({ property, problem }) => ({ variable: variableOf(property), problem })),
      );
    }
    return Object.freeze(config);
  };
}

function toPropertyProblem(error: ErrorObject): { property: string; problem: string } {
  if (error.keyword === 'required') {
    return {
      property: (error.params as { missingProperty: string }).missingProperty,
      problem: 'is required',
    };
  }
  if (error.keyword === 'additionalProperties') {
    const property = (error.params as { additionalProperty: string }).additionalProperty;
    return { property, problem: 'is not a known setting' };
  }
  return { property: error.instancePath.split('/')[1] ?? '', problem: error.message ?? 'is invalid' };
}
