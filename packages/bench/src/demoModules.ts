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

import type { planUploads } from '@storeflow/cli/pipeline';

/** One file of an upload plan: where it is on disk, its key and dataset. */
export type PlannedUpload = ReturnType<typeof planUploads>[number];
