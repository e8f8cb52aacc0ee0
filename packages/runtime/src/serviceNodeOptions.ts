/**
 * The Node options both services run with, wherever they run: their images set them as
 * `NODE_OPTIONS` (`docker/*.Dockerfile`; a test checks each says exactly this), and the service
 * processes the demo, the bench and the chaos suite start get them too, so what is measured on
 * this machine is what is deployed.
 *
 * Both services stream rows through short-lived objects, and left to itself V8 sizes its heap
 * from the host's memory, not from the 256 MB a worker is budgeted: on a 24 GiB machine the
 * validator peaked at 520 MiB over a 1M-row items file whose live heap never passed 55 MiB,
 * the rest being garbage V8 saw no reason to collect yet (docs/design.md, "What a worker holds
 * in memory"). `--max-semi-space-size=8` bounds the young generation (16 MiB of semi-spaces
 * instead of up to 128), and `--max-old-space-size` bounds the old one, so V8 collects before
 * growing past the budget; it is sized well above the largest live heap measured (a recompute
 * of a date of 1M items), and a heap that outgrew it would have outgrown the budget anyway.
 */
export const SERVICE_NODE_OPTIONS = '--max-semi-space-size=8 --max-old-space-size=160';
