import { classifyObjectWrite } from '../src/classifyObjectWrite.js';

const shape = (method: string, key: string, query: string, hasCopySource = false) => ({
  method,
  key,
  query: new URLSearchParams(query),
  hasCopySource,
});

describe('classifyObjectWrite', () => {
  it.each([
    ['PutObject', shape('PUT', 'raw/a.csv', 'x-id=PutObject'), 'ObjectCreated:Put'],
    ['CopyObject', shape('PUT', 'raw/a.csv', 'x-id=CopyObject', true), 'ObjectCreated:Copy'],
    [
      'CompleteMultipartUpload',
      shape('POST', 'raw/a.csv', 'uploadId=abc&x-id=CompleteMultipartUpload'),
      'ObjectCreated:CompleteMultipartUpload',
    ],
  ])('recognises %s', (_name, request, expected) => {
    // Act
    const event = classifyObjectWrite(request);

    // Assess
    expect(event).toBe(expected);
  });

  it.each([
    ['UploadPart', shape('PUT', 'raw/a.csv', 'partNumber=1&uploadId=abc')],
    ['UploadPartCopy', shape('PUT', 'raw/a.csv', 'partNumber=1&uploadId=abc', true)],
    ['CreateMultipartUpload', shape('POST', 'raw/a.csv', 'uploads')],
    ['PutObjectTagging', shape('PUT', 'raw/a.csv', 'tagging')],
    ['CreateBucket', shape('PUT', '', '')],
    ['GetObject', shape('GET', 'raw/a.csv', '')],
    ['DeleteObject', shape('DELETE', 'raw/a.csv', '')],
  ])('ignores %s', (_name, request) => {
    // Act
    const event = classifyObjectWrite(request);

    // Assess
    expect(event).toBeUndefined();
  });
});
