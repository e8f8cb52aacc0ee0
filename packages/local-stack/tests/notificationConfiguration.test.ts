import {
  matchesConfiguration,
  notificationConfigurationXml,
  parseNotificationConfiguration,
  parseQueueArn,
  type QueueConfiguration,
} from '../src/notificationConfiguration.js';

const SDK_BODY =
  '<?xml version="1.0" encoding="UTF-8"?><NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
  '<QueueConfiguration><Id>raw &amp; csv</Id><Queue>arn:aws:sqs:us-east-1:000000000000:events</Queue>' +
  '<Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>prefix</Name><Value>raw/</Value></FilterRule>' +
  '<FilterRule><Name>suffix</Name><Value>.csv</Value></FilterRule></S3Key></Filter></QueueConfiguration>' +
  '</NotificationConfiguration>';

const configuration = (overrides: Partial<QueueConfiguration> = {}): QueueConfiguration => ({
  id: 'ingest',
  queueArn: 'arn:aws:sqs:us-east-1:000000000000:events',
  events: ['s3:ObjectCreated:*'],
  filterRules: [],
  ...overrides,
});

describe('parseNotificationConfiguration', () => {
  it('reads queue configurations as the SDK sends them, capitalising rule names as S3 does', () => {
    // Act
    const parsed = parseNotificationConfiguration(SDK_BODY);

    // Assess
    expect(parsed).toEqual({
      configurations: [
        configuration({
          id: 'raw & csv',
          filterRules: [
            { name: 'Prefix', value: 'raw/' },
            { name: 'Suffix', value: '.csv' },
          ],
        }),
      ],
    });
  });

  it('reads an empty configuration, which removes all notifications', () => {
    // Act
    const parsed = parseNotificationConfiguration(
      '<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>',
    );

    // Assess
    expect(parsed).toEqual({ configurations: [] });
  });

  it('invents an id when none is given', () => {
    // Act
    const parsed = parseNotificationConfiguration(
      '<NotificationConfiguration><QueueConfiguration><Queue>arn:aws:sqs:us-east-1:000000000000:q</Queue><Event>s3:ObjectCreated:Put</Event></QueueConfiguration></NotificationConfiguration>',
    );

    // Assess
    expect('configurations' in parsed && parsed.configurations[0]?.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ['an unknown event', '<Event>s3:Object:Touched</Event>', 'InvalidArgument'],
    [
      'a topic destination',
      '</QueueConfiguration><TopicConfiguration></TopicConfiguration><QueueConfiguration>',
      'InvalidArgument',
    ],
  ])('refuses %s', (_name, fragment, code) => {
    // Prepare
    const xml = `<NotificationConfiguration><QueueConfiguration><Queue>arn:aws:sqs:us-east-1:000000000000:q</Queue><Event>s3:ObjectCreated:Put</Event>${fragment}</QueueConfiguration></NotificationConfiguration>`;

    // Act
    const parsed = parseNotificationConfiguration(xml);

    // Assess
    expect(parsed).toEqual({ problem: expect.objectContaining({ code }) });
  });

  it('refuses a body that is not a notification configuration', () => {
    // Act
    const parsed = parseNotificationConfiguration('{"QueueConfigurations":[]}');

    // Assess
    expect(parsed).toEqual({ problem: expect.objectContaining({ code: 'MalformedXML' }) });
  });
});

describe('notificationConfigurationXml', () => {
  it('writes what parseNotificationConfiguration reads back', () => {
    // Prepare
    const configurations = [
      configuration({ id: 'a<b', filterRules: [{ name: 'Prefix', value: 'raw/&' }] }),
      configuration({ id: 'second', events: ['s3:ObjectCreated:Put', 's3:ObjectCreated:Copy'] }),
    ];

    // Act
    const xml = notificationConfigurationXml(configurations);

    // Assess
    expect(xml).toContain('<Name>Prefix</Name>');
    expect(parseNotificationConfiguration(xml)).toEqual({ configurations });
  });
});

describe('matchesConfiguration', () => {
  it.each([
    ['the family wildcard', ['s3:ObjectCreated:*'], 'ObjectCreated:Copy', true],
    ['the exact event', ['s3:ObjectCreated:Put'], 'ObjectCreated:Put', true],
    ['another event of the family', ['s3:ObjectCreated:Put'], 'ObjectCreated:Copy', false],
    ['another family', ['s3:ObjectRemoved:*'], 'ObjectCreated:Put', false],
  ])('matches %s: %j against %s → %s', (_name, events, eventName, expected) => {
    // Act
    const matches = matchesConfiguration(configuration({ events }), eventName, 'raw/a.csv');

    // Assess
    expect(matches).toBe(expected);
  });

  it.each([
    ['raw/orders.csv', true],
    ['raw/orders.json', false],
    ['archive/orders.csv', false],
  ])('applies prefix and suffix rules to %s → %s', (key, expected) => {
    // Prepare
    const rules = configuration({
      filterRules: [
        { name: 'Prefix', value: 'raw/' },
        { name: 'Suffix', value: '.csv' },
      ],
    });

    // Act
    const matches = matchesConfiguration(rules, 'ObjectCreated:Put', key);

    // Assess
    expect(matches).toBe(expected);
  });
});

describe('parseQueueArn', () => {
  it('splits a queue ARN', () => {
    // Act
    const parsed = parseQueueArn('arn:aws:sqs:eu-west-1:123456789012:orders.fifo');

    // Assess
    expect(parsed).toEqual({ region: 'eu-west-1', accountId: '123456789012', queueName: 'orders.fifo' });
  });

  it('rejects a topic ARN', () => {
    // Act
    const parsed = parseQueueArn('arn:aws:sns:eu-west-1:123456789012:orders');

    // Assess
    expect(parsed).toBeUndefined();
  });
});
