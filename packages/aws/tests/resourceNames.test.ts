import { InvalidResourceNameError } from '../src/errors.js';
import { resourceNamesFor } from '../src/resourceNames.js';

describe('resourceNamesFor', () => {
  it('derives every name from the prefix', () => {
    // Act
    const names = resourceNamesFor('shop-test-1');

    // Assess
    expect(names).toEqual({
      bucket: 'shop-test-1-data',
      ingestQueue: 'shop-test-1-ingest',
      ingestDeadLetterQueue: 'shop-test-1-ingest-dlq',
      transformQueue: 'shop-test-1-transform',
      transformDeadLetterQueue: 'shop-test-1-transform-dlq',
      processedFilesTable: 'shop-test-1-ProcessedFiles',
      categoryKpisTable: 'shop-test-1-CategoryKPIs',
      orderKpisTable: 'shop-test-1-OrderKPIs',
      referenceTable: 'shop-test-1-References',
      kpiDatesTable: 'shop-test-1-KpiDates',
      qualityTable: 'shop-test-1-Quality',
      alertsTopic: 'shop-test-1-alerts',
    });
  });

  it('accepts an explicit bucket name for globally unique buckets on AWS', () => {
    expect(resourceNamesFor('storeflow', { bucket: 'acme-storeflow-prod' }).bucket).toBe(
      'acme-storeflow-prod',
    );
  });

  it.each(['', 'Upper', 'under_score', '-leading', 'trailing-', 'x'.repeat(41)])(
    'refuses the prefix %p, which would break S3 bucket naming',
    (prefix) => {
      expect(() => resourceNamesFor(prefix)).toThrow(InvalidResourceNameError);
    },
  );
});
