import { ALERTS_OFF, type Alert, type AlertSink } from '@storeflow/core';
import { Counter, type Registry } from 'prom-client';

/** The part of a pino logger the sink uses. */
interface AlertLogger {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** How a publish ended, the `outcome` label of `storeflow_alerts_published_total`. */
export type AlertPublishOutcome = 'published' | 'failed';

/** `storeflow_alerts_published_total{kind, outcome}`, the same series in every service. */
export function createAlertsPublishedCounter(registry: Registry): Counter<'kind' | 'outcome'> {
  return new Counter({
    name: 'storeflow_alerts_published_total',
    help: 'Alerts sent to the alerts topic, by kind and outcome (published, failed: the alert is lost)',
    labelNames: ['kind', 'outcome'] as const,
    registers: [registry],
  });
}

export interface ReportedAlertSinkOptions {
  log: AlertLogger;
  published: Pick<Counter<'kind' | 'outcome'>, 'inc'>;
  /** The variable that names the topic, for the start line when alerts are off. */
  topicVariable: string;
}

/**
 * Wraps the sink a service publishes through so that a publish failure never fails the work that
 * raised the alert: whatever an alert announces (a verdict, a FAILED status, an anomaly) is
 * stored before it is published, so retrying the work for a lost alert would redo finished work.
 * Each publish is counted by kind and outcome instead, and a failure is logged at error with its
 * typed error: the alert is lost, and the alert rule on the counter tells an operator so.
 *
 * With {@link ALERTS_OFF} (no topic configured) nothing is published or counted; that is said
 * once, here, when the service starts.
 */
export function reportedAlertSink(sink: AlertSink, options: ReportedAlertSinkOptions): AlertSink {
  const { log, published } = options;
  if (sink === ALERTS_OFF) {
    log.info({ variable: options.topicVariable }, 'alerts off: no alerts topic configured');
    return ALERTS_OFF;
  }
  return {
    async publish(alert: Alert): Promise<void> {
      try {
        await sink.publish(alert);
        published.inc({ kind: alert.kind, outcome: 'published' satisfies AlertPublishOutcome });
      } catch (error) {
        published.inc({ kind: alert.kind, outcome: 'failed' satisfies AlertPublishOutcome });
        log.error({ err: error, alert }, 'alert could not be published; it is lost');
      }
    },
  };
}
