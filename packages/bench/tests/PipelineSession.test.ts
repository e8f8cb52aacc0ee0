import { finalTimeOf } from '../src/PipelineSession.js';

describe('finalTimeOf', () => {
  // The bench's clock started at 2026-12-07T20:00:00.000Z.
  const timeOrigin = Date.parse('2026-12-07T20:00:00.000Z');

  it("takes the lineage record's own time, not the later poll that saw it", () => {
    // Act: final at 3.25 s on the bench's clock, seen by a poll at 4.1 s
    const atMs = finalTimeOf('2026-12-07T20:00:03.250Z', 4_100, timeOrigin);

    // Assess
    expect(atMs).toBe(3_250);
  });

  it('never puts the final time after the poll that saw it, should the clocks disagree', () => {
    // Act: a record stamped 5 s in, seen at 4.1 s
    const atMs = finalTimeOf('2026-12-07T20:00:05.000Z', 4_100, timeOrigin);

    // Assess
    expect(atMs).toBe(4_100);
  });
});
