import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InvalidResourceNameError } from '@storeflow/aws';
import { Template } from 'aws-cdk-lib/assertions';
import { createApp } from '../src/createApp.js';
import { InvalidSettingError } from '../src/errors.js';

let outdir: string;

beforeEach(() => {
  outdir = mkdtempSync(path.join(tmpdir(), 'storeflow-cdk-'));
});

afterEach(() => {
  rmSync(outdir, { recursive: true, force: true });
});

describe('createApp', () => {
  it('builds the stack from command-line context and synthesises through the nag checks', () => {
    // Prepare
    const { app, stack } = createApp({
      outdir,
      context: { prefix: 'shop', imageTag: 'abc123', transformerMinCapacity: '0' },
    });

    // Act
    const assembly = app.synth();

    // Assess
    expect(assembly.getStackArtifact(stack.artifactId).stackName).toBe('shop-pipeline');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'shop-ingest' });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 0,
      MaxCapacity: 4,
    });
    const images = JSON.stringify(template.findResources('AWS::ECS::TaskDefinition'));
    expect(images).toContain('/shop/validator:abc123');
    expect(images).toContain('/shop/transformer:abc123');
    template.hasResourceProperties('AWS::SQS::Queue', {
      Tags: [
        { Key: 'project', Value: 'storeflow' },
        { Key: 'storeflow:prefix', Value: 'shop' },
      ],
    });
  });

  it('without an image tag, stages both Dockerfiles as image assets (built only at deploy)', () => {
    // Prepare
    const { app, stack } = createApp({ outdir });

    // Act
    const assembly = app.synth();

    // Assess
    const manifest = JSON.parse(
      readFileSync(path.join(assembly.directory, `${stack.artifactId}.assets.json`), 'utf8'),
    ) as { dockerImages: Record<string, { source: { dockerFile: string; platform: string } }> };
    const sources = Object.values(manifest.dockerImages).map((image) => image.source);
    expect(sources.map((source) => source.dockerFile).sort()).toEqual([
      'docker/transformer.Dockerfile',
      'docker/validator.Dockerfile',
    ]);
    for (const source of sources) expect(source.platform).toBe('linux/amd64');
  });

  it('stops on a context value it cannot use, naming the key', () => {
    // Act + Assess
    expect(() => createApp({ outdir, context: { validatorMaxCapacity: 'lots' } })).toThrow(
      InvalidSettingError,
    );
    expect(() => createApp({ outdir, context: { shutdownGraceSeconds: '200' } })).toThrow(
      expect.objectContaining({ setting: 'shutdownGraceSeconds' }),
    );
    expect(() => createApp({ outdir, context: { prefix: 'Shop_EU' } })).toThrow(InvalidResourceNameError);
  });
});
