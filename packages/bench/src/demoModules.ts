// The demo's own modules, reused rather than copied: how the embedded stack is started and
// bootstrapped, how a service runs as a process of its own, and how a file is uploaded.
export {
  findDataFiles,
  pipelineServiceEnv,
  planUploads,
  type RunningService,
  startServiceProcess,
  startStackDaemon,
  stopServiceProcesses,
  stopStackDaemon,
  uploadFile,
} from '@storeflow/cli/pipeline';
