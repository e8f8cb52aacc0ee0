// The demo's own modules, reused rather than copied: how the embedded stack is started and
// bootstrapped, how a service runs as a process of its own, and how a file is uploaded. The CLI
// publishes no library entry point, so they are imported from its build, here and nowhere else.
export { startStackDaemon, stopStackDaemon } from '@storeflow/cli/dist/commands/stack.js';
export { findDataFiles, uploadFile } from '@storeflow/cli/dist/commands/upload.js';
export {
  type RunningService,
  startServiceProcess,
  stopServiceProcesses,
} from '@storeflow/cli/dist/demo/serviceProcesses.js';
export { planUploads } from '@storeflow/cli/dist/uploadPlan.js';
