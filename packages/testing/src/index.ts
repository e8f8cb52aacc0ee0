export { CHROMIUM, type OpenedPage, openHtmlInChromium } from './chromium.js';
export {
  type CsvFile,
  type ExpectedCategory,
  type ExpectedDaily,
  expectedKpis,
  expectedKpisOfRows,
  halfEven,
  type RowsByDataset,
} from './expectedKpis.js';
export { MemorySink } from './memoryPorts.js';
export { isExposed, metricFamilies, parseSamples, type Sample, sumOf } from './metricsText.js';
export {
  createRecordingLogger,
  type LoggedLine,
  type LogLevel,
  type RecordingLogger,
} from './recordingLogger.js';
export { SAMPLE_DATA_DIR, type SampleFile, sampleFiles } from './sampleData.js';
export { perTestFile, type Stoppable, uniquePrefix } from './testFileFixtures.js';
