import { isExposed, metricFamilies, parseSamples, sumOf } from '@storeflow/testing';
import { metricNamesIn, withoutGrafanaVariables } from './dashboard.js';
import { argsOf, execForm, parseDockerfile } from './dockerfile.js';

const EXPOSITION = [
  '# HELP files_total Files done',
  '# TYPE files_total counter',
  'files_total{outcome="accepted",dataset="orders"} 2',
  'files_total{outcome="accepted",dataset="products"} 3',
  'files_total{outcome="rejected",dataset="products"} 1',
  '# HELP handles_total Handles',
  '# TYPE handles_total gauge',
  'handles_total 7',
  '# TYPE duration_seconds histogram',
  'duration_seconds_bucket{le="+Inf",label="with \\"quotes\\""} 4',
  'duration_seconds_count 4',
].join('\n');

describe('the Prometheus text helpers', () => {
  it('parse names, labels (escaped quotes included) and values', () => {
    expect(parseSamples(EXPOSITION)).toEqual([
      { name: 'files_total', labels: { outcome: 'accepted', dataset: 'orders' }, value: 2 },
      { name: 'files_total', labels: { outcome: 'accepted', dataset: 'products' }, value: 3 },
      { name: 'files_total', labels: { outcome: 'rejected', dataset: 'products' }, value: 1 },
      { name: 'handles_total', labels: {}, value: 7 },
      { name: 'duration_seconds_bucket', labels: { le: '+Inf', label: 'with \\"quotes\\"' }, value: 4 },
      { name: 'duration_seconds_count', labels: {}, value: 4 },
    ]);
  });

  it('sum the samples of a series whose labels include the given ones', () => {
    expect(sumOf(EXPOSITION, 'files_total')).toBe(6);
    expect(sumOf(EXPOSITION, 'files_total', { outcome: 'accepted' })).toBe(5);
    expect(sumOf(EXPOSITION, 'files_total', { outcome: 'accepted', dataset: 'orders' })).toBe(2);
    expect(sumOf(EXPOSITION, 'files_total', { outcome: 'deferred' })).toBe(0);
  });

  it("know a histogram's bucket, sum and count series as exposed, and nothing else", () => {
    const families = metricFamilies(EXPOSITION);

    expect([...families]).toEqual([
      ['files_total', 'counter'],
      ['handles_total', 'gauge'],
      ['duration_seconds', 'histogram'],
    ]);
    expect(isExposed(families, 'duration_seconds_bucket')).toBe(true);
    expect(isExposed(families, 'duration_seconds_sum')).toBe(true);
    expect(isExposed(families, 'files_total')).toBe(true);
    expect(isExposed(families, 'handles_total_count')).toBe(false);
    expect(isExposed(families, 'files')).toBe(false);
  });
});

describe('the dashboard query helpers', () => {
  it("list the project's metric names a query reads, once each", () => {
    const expr =
      'sum(rate(storeflow_a_total{outcome="x"}[5m])) / sum(rate(storeflow_a_total[5m])) + on() storeflow_b_seconds_bucket';

    expect(metricNamesIn(expr)).toEqual(['storeflow_a_total', 'storeflow_b_seconds_bucket']);
    expect(metricNamesIn('up')).toEqual([]);
  });

  it("replace Grafana's interval variables with durations", () => {
    expect(withoutGrafanaVariables('rate(x[$__rate_interval]) + increase(y[$__interval])')).toBe(
      'rate(x[1m]) + increase(y[1m])',
    );
  });
});

describe('the Dockerfile parser', () => {
  const dockerfile = parseDockerfile(
    [
      '# syntax=docker/dockerfile:1',
      'ARG BASE=node:24',
      '',
      'FROM $BASE AS build',
      'RUN one \\',
      '  two',
      '# a comment between instructions',
      'FROM $BASE AS runtime',
      'HEALTHCHECK --interval=5s \\',
      '  CMD ["node", "check.mjs"]',
      'CMD ["node", "dist/main.js"]',
      'ENTRYPOINT node main.js',
    ].join('\n'),
  );

  it('reads global arguments and stages, joining continuation lines', () => {
    expect(dockerfile.globalArgs).toEqual(new Map([['BASE', 'node:24']]));
    expect(dockerfile.stages.map((stage) => stage.from)).toEqual(['$BASE AS build', '$BASE AS runtime']);
    expect(argsOf(dockerfile.stages[0] ?? { from: '', instructions: [] }, 'RUN')).toEqual(['one two']);
  });

  it('reads the exec form of CMD and HEALTHCHECK, and not the shell form', () => {
    const runtime = dockerfile.stages[1] ?? { from: '', instructions: [] };

    expect(argsOf(runtime, 'HEALTHCHECK').map(execForm)).toEqual([['node', 'check.mjs']]);
    expect(argsOf(runtime, 'CMD').map(execForm)).toEqual([['node', 'dist/main.js']]);
    expect(argsOf(runtime, 'ENTRYPOINT').map(execForm)).toEqual([undefined]);
  });
});
