// The images' HEALTHCHECK: exits 0 when the service's /healthz answers 2xx, 1 otherwise. It runs
// on the image's own Node because the slim base image has no curl or wget.
//
// Usage: node healthcheck.mjs <PORT_VARIABLE> <default port>
const [portVariable, defaultPort] = process.argv.slice(2);
if (portVariable === undefined || defaultPort === undefined) {
  console.error('usage: node healthcheck.mjs <PORT_VARIABLE> <default port>');
  process.exit(2);
}
const port = process.env[portVariable] || defaultPort;
const url = `http://127.0.0.1:${port}/healthz`;
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
  if (!response.ok) console.error(`${url} answered ${response.status}`);
  process.exitCode = response.ok ? 0 : 1;
} catch (error) {
  console.error(`${url} did not answer: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
