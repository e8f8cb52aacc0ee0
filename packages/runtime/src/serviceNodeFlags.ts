/**
 * The Node flags both services run with, wherever they run: their images start them with
 * `node <flags> dist/main.js` (`docker/*.Dockerfile`; a test checks each says exactly this), and
 * the service processes the demo, the bench and the chaos suite start get them too, so what is
 * measured on this machine is what is deployed.
 *
 * Both services stream rows through short-lived objects, and left to itself V8 sizes its heap
 * from the host's memory, not from the 256 MB a worker is budgeted: on a 24 GiB machine the
 * validator peaked at 520 MiB over a 1M-row items file whose live heap never passed 55 MiB,
 * the rest being garbage V8 saw no reason to collect yet (docs/design.md, "What a worker holds
 * in memory"). `--max-semi-space-size=8` bounds the young generation (16 MiB of semi-spaces
 * instead of up to 128), and `--heap-growing-percent=20` lets the old generation grow only to
 * 1.2 times what survived its last collection before the next one, where V8 would let it reach
 * up to four times that. Both are soft: a worker whose live heap grows (a date of many millions
 * of items) gets the memory it needs, where a cap on the old generation would crash it on the
 * same date at every retry. They are flags and not `NODE_OPTIONS` because Node refuses
 * `--heap-growing-percent` there.
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8', '--heap-growing-percent=20'];
