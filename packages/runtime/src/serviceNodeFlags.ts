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

/**
 * The glibc allocator settings both services run with, wherever they run, beside
 * {@link SERVICE_NODE_FLAGS}: their images set them with `ENV` (a test checks each says exactly
 * this), and the demo's, the bench's and the chaos suite's service processes get them too.
 *
 * A validator's resident memory is not only V8's heap: 60 to 80 MiB of it was memory glibc had
 * handed out with `malloc` and kept after it was freed. glibc serves a large block with its own
 * `mmap`, returned to the system when freed, but it raises the size it calls large to that of
 * each such block freed, so after the first silver parts the large buffers come from its heaps,
 * where a small block still in use holds the pages around it; and it gives each thread that
 * allocates a heap of its own. `MALLOC_MMAP_THRESHOLD_` fixes that size at 1 MiB (128 KiB saved
 * a little more memory but cost the validator a tenth more CPU) and `MALLOC_ARENA_MAX=2` keeps two
 * heaps (docs/design.md, "Memory: what a worker holds", has the measurements).
 */
export const SERVICE_MALLOC_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '1048576',
};
