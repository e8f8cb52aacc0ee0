import { ObjectCreatedEvent } from './s3Event.js';

/** The parts of an S3 request that tell which write it is. */
export interface S3RequestShape {
  method: string;
  /** The object key; empty for bucket-level requests. */
  key: string;
  query: URLSearchParams;
  /** Whether the request carries `x-amz-copy-source`. */
  hasCopySource: boolean;
}

// The SDK adds `x-id=<Operation>` to every request; it names no sub-resource.
const OPERATION_HINT = 'x-id';

/**
 * Which `ObjectCreated` event a path-style S3 request produces when it succeeds, if any:
 * PutObject and CopyObject (`PUT /bucket/key`, without sub-resources such as `?tagging` or a
 * part upload's `partNumber`/`uploadId`) and CompleteMultipartUpload (`POST /bucket/key?uploadId`).
 */
export function classifyObjectWrite(request: S3RequestShape): ObjectCreatedEvent | undefined {
  if (request.key === '') return undefined;
  const parameters = [...request.query.keys()].filter((name) => name !== OPERATION_HINT);
  if (request.method === 'PUT' && parameters.length === 0) {
    return request.hasCopySource ? ObjectCreatedEvent.COPY : ObjectCreatedEvent.PUT;
  }
  if (request.method === 'POST' && parameters.length === 1 && parameters[0] === 'uploadId') {
    return ObjectCreatedEvent.COMPLETE_MULTIPART_UPLOAD;
  }
  return undefined;
}
