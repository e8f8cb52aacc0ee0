import { ALERTS_OFF, type Alert } from '@storeflow/core';
import { createAwsClients } from '../src/createAwsClients.js';
import { alertSinkFor, alertSubject, SnsAlertSink } from '../src/sns/SnsAlertSink.js';

const FILE = {
  bucket: 'b',
  key: 'raw/orders/2024-03-02.csv',
  objectVersion: 'etag-1',
  dataset: 'orders',
} as const;

describe('alertSubject', () => {
  it.each<[Alert, string]>([
    [
      { kind: 'file-rejected', file: FILE, reason: 'REJECTED_ROW_RATIO' },
      'StoreFlow file-rejected: raw/orders/2024-03-02.csv',
    ],
    [
      { kind: 'dead-letter', service: 'transformer', messageId: 'm-1', receiveCount: 5 },
      'StoreFlow dead-letter: transformer message m-1',
    ],
  ])('names the kind and what it is about', (alert, subject) => {
    expect(alertSubject(alert)).toBe(subject);
  });

  it('keeps within the 100 printable ASCII characters SNS allows', () => {
    // Prepare
    const key = `raw/orders/${'ü'.repeat(150)}.csv`;

    // Act
    const subject = alertSubject({
      kind: 'file-failed',
      file: { ...FILE, key },
      errorCode: 'X',
      message: 'm',
    });

    // Assess
    expect(subject).toHaveLength(100);
    expect(subject).toMatch(/^StoreFlow file-failed: raw\/orders\/\?+\.\.\.$/);
  });
});

describe('alertSinkFor', () => {
  it('publishes to the topic a service names, and nowhere when it names none', () => {
    // Prepare: clients send nothing until asked to
    const clients = createAwsClients({ region: 'us-east-1', endpoints: {} });
    try {
      // Act
      const topic = alertSinkFor(clients, 'arn:aws:sns:us-east-1:123456789012:storeflow-alerts');
      const none = alertSinkFor(clients, undefined);

      // Assess
      expect(topic).toBeInstanceOf(SnsAlertSink);
      expect(none).toBe(ALERTS_OFF);
    } finally {
      clients.destroy();
    }
  });
});
