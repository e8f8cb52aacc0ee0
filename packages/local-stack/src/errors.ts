import { WorkerError } from '@storeflow/core';

/** Every failure to start, reach or stop the embedded stack. */
export abstract class LocalStackError extends WorkerError {}

/** The JDK needed by the DynamoDB Local launcher is missing, too old, or lacks the source launcher. */
export class JavaUnavailableError extends LocalStackError {
  readonly code = 'JAVA_UNAVAILABLE';
  readonly retryable = false;
  /** The command that was tried, e.g. `java`. */
  readonly javaCommand: string;

  constructor(javaCommand: string, problem: string, options?: ErrorOptions) {
    super(
      `${problem}; DynamoDB Local needs a JDK 17 or newer with the jdk.compiler module: install one (e.g. \`apt-get install openjdk-17-jdk-headless\`) or run the project's setup script`,
      options,
    );
    this.javaCommand = javaCommand;
  }
}

/** A fixed port asked for by an option is already taken by another process. */
export class PortInUseError extends LocalStackError {
  readonly code = 'PORT_IN_USE';
  readonly retryable = false;
  readonly port: number;
  /** The option that asked for the port, e.g. `s3SqsPort` or `--s3-port`. */
  readonly option: string;

  constructor(port: number, option: string, options?: ErrorOptions) {
    super(
      `port ${port} (${option}) is already in use on 127.0.0.1: stop the process using it or choose another port with ${option}`,
      options,
    );
    this.port = port;
    this.option = option;
  }
}

/** A component was started but never answered, or exited before answering. */
export class ComponentNotHealthyError extends LocalStackError {
  readonly code = 'COMPONENT_NOT_HEALTHY';
  // A slow machine may make it on a second attempt.
  readonly retryable = true;
  /** `dynamodb`, `s3-sqs` or `daemon`. */
  readonly component: string;

  constructor(component: string, reason: string, options?: ErrorOptions) {
    super(`${component} did not become healthy: ${reason}`, options);
    this.component = component;
  }
}
