import { InvalidResourceNameError } from '@storeflow/aws';
import { createApp } from './createApp.js';
import { InvalidSettingError } from './errors.js';

// The entry point `cdk synth` and `cdk deploy` run (cdk.json); everything else is in createApp.
try {
  createApp().app.synth();
} catch (error) {
  if (!(error instanceof InvalidSettingError || error instanceof InvalidResourceNameError)) throw error;
  console.error(`storeflow infra: ${error.message}`);
  process.exit(1);
}
