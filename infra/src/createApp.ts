import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { type ContextReader, imageSourceFromContext, optionsFromContext } from './contextOptions.js';
import { StoreFlowStack } from './StoreFlowStack.js';
import { resolveSettings } from './settings.js';

/**
 * Feature flags the stack is written for; cdk.json or `-c` may still override them. Access logs
 * are granted by bucket policy, not ACL, so both buckets can disable ACLs; the flow-log delivery
 * statements are part of the template, so no later stack update removes what AWS would add.
 */
export const FEATURE_FLAGS = {
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  '@aws-cdk/aws-s3:createDefaultLoggingPolicy': true,
} as const;

export interface CreateAppOptions {
  /** Context values as `-c key=value` would give them (tests); the CLI's context is read as well. */
  context?: Record<string, unknown>;
  outdir?: string;
}

/**
 * The CDK app: one StoreFlowStack configured from context, checked by cdk-nag's AWS Solutions
 * rules, which fail synthesis on any finding that is not acknowledged with a reason.
 *
 * @example
 * const { app } = createApp({ context: { prefix: 'shop', imageTag: 'abc123' } });
 * app.synth();
 */
export function createApp(options: CreateAppOptions = {}): { app: App; stack: StoreFlowStack } {
  const app = new App({
    context: { ...FEATURE_FLAGS, ...options.context },
    ...(options.outdir === undefined ? {} : { outdir: options.outdir }),
  });
  const context: ContextReader = (key) => app.node.tryGetContext(key);
  const stackOptions = optionsFromContext(context);
  // Checked before it names the stack, so a bad prefix is reported as a bad prefix.
  const prefix = resolveSettings(stackOptions).resourcePrefix;
  const images = imageSourceFromContext(context, prefix);
  const stack = new StoreFlowStack(app, 'StoreFlow', {
    ...stackOptions,
    stackName: `${prefix}-pipeline`,
    description: `StoreFlow pipeline "${prefix}": S3 extracts validated and turned into KPIs in DynamoDB`,
    ...(images.imageTag === undefined
      ? {}
      : {
          ecrImages: {
            tag: images.imageTag,
            validatorRepository: images.validatorRepository,
            transformerRepository: images.transformerRepository,
          },
        }),
  });
  Tags.of(stack).add('project', 'storeflow');
  Tags.of(stack).add('storeflow:prefix', prefix);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
