// The CLI's building blocks for driving a whole pipeline on this machine, published for the
// benchmark and the chaos suite: how the embedded stack is started and bootstrapped (and where it
// logs), how a service runs as a process of its own, and how files are planned and uploaded. The
// demo uses the same modules.
export { startStackDaemon, stopStackDaemon } from './commands/stack.js';
export { findDataFiles, uploadFile } from './commands/upload.js';
export {
  pipelineServiceEnv,
  type RunningService,
  startServiceProcess,
  stopServiceProcesses,
} from './demo/serviceProcesses.js';
export { readStackState, stateFiles } from './stackState.js';
export { type PlannedUpload, planUploads } from './uploadPlan.js';
