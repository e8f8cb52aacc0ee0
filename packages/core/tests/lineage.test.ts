import {
  CLAIMABLE_STATUSES,
  canTransition,
  FILE_STATUSES,
  FINISHED_VALIDATION_STATUSES,
  FileStatus,
} from '../src/index.js';

describe('file status lifecycle', () => {
  it.each([
    [FileStatus.RECEIVED, FileStatus.VALIDATING],
    [FileStatus.VALIDATING, FileStatus.DEFERRED],
    [FileStatus.DEFERRED, FileStatus.VALIDATING],
    [FileStatus.VALIDATING, FileStatus.VALIDATED],
    [FileStatus.VALIDATING, FileStatus.FAILED],
    [FileStatus.VALIDATED, FileStatus.TRANSFORMING],
    [FileStatus.TRANSFORMING, FileStatus.SUCCESS],
    [FileStatus.TRANSFORMING, FileStatus.FAILED],
    [FileStatus.FAILED, FileStatus.TRANSFORMING],
    [FileStatus.SUCCESS, FileStatus.RECEIVED],
  ])('allows %s → %s', (from, to) => {
    // Act
    const allowed = canTransition(from, to);
    // Assess
    expect(allowed).toBe(true);
  });

  it.each([
    [FileStatus.RECEIVED, FileStatus.SUCCESS],
    [FileStatus.DEFERRED, FileStatus.VALIDATED],
    [FileStatus.VALIDATED, FileStatus.VALIDATING],
    [FileStatus.SUCCESS, FileStatus.TRANSFORMING],
    [FileStatus.SUCCESS, FileStatus.FAILED],
    [FileStatus.FAILED, FileStatus.SUCCESS],
  ])('refuses %s → %s', (from, to) => {
    // Act
    const allowed = canTransition(from, to);
    // Assess
    expect(allowed).toBe(false);
  });

  it('lets a file be taken over only while a worker holds it', () => {
    // Act
    const selfTransitions = FILE_STATUSES.filter((status) => canTransition(status, status));
    // Assess
    expect(selfTransitions).toEqual([FileStatus.VALIDATING, FileStatus.TRANSFORMING]);
  });

  it('claims for validation only from statuses that lead to VALIDATING', () => {
    // Act
    const leadingToValidation = FILE_STATUSES.filter((status) =>
      canTransition(status, FileStatus.VALIDATING),
    );
    // Assess
    expect([...leadingToValidation].sort()).toEqual([...CLAIMABLE_STATUSES].sort());
  });

  it('splits every status into claimable for validation or finished with it', () => {
    // Act
    const covered = [...CLAIMABLE_STATUSES, ...FINISHED_VALIDATION_STATUSES];
    // Assess
    expect([...covered].sort()).toEqual([...FILE_STATUSES].sort());
    expect(CLAIMABLE_STATUSES.filter((status) => FINISHED_VALIDATION_STATUSES.includes(status))).toEqual([]);
  });

  it('lets every status end the lifecycle or be reset by a reprocess request', () => {
    // Act
    const stuck = FILE_STATUSES.filter((status) => FILE_STATUSES.every((to) => !canTransition(status, to)));
    // Assess
    expect(stuck).toEqual([]);
  });
});
