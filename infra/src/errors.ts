/**
 * A stack setting (a prop, or a `-c key=value` context value) is out of range or malformed.
 * Synthesis stops before anything is deployed; the message names the setting and what it accepts.
 */
export class InvalidSettingError extends Error {
  override readonly name = 'InvalidSettingError';
  /** The context key (and stack prop path) that was wrong, e.g. `validatorMaxCapacity`. */
  readonly setting: string;
  readonly value: unknown;

  constructor(setting: string, value: unknown, expected: string) {
    super(`${setting}=${JSON.stringify(value)} is invalid: ${expected}`);
    this.setting = setting;
    this.value = value;
  }
}
