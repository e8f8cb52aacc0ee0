import { type ContractProblem, type ContractSet, compileContractSet } from '@storeflow/core';
import { ExitCode, UsageError } from '../cliErrors.js';
import { parseCommandLine, printJson } from '../commandLine.js';
import { ChangeImpact, diffContractSets, unbumpedVersions } from '../contractDiff.js';
import { contractPaths, readContractLocations } from '../contractSources.js';
import {
  contractDocument,
  datasetSummary,
  problemLine,
  renderChanges,
  renderContract,
  validationLines,
} from '../contractsText.js';

export const CONTRACTS_USAGE = `Usage: storeflow contracts <validate|show|diff> [options]

  validate [PATH...]   compile the contracts and list every problem, one per line
  show [DATASET]       print what each dataset's contract checks (one dataset with DATASET)
  diff OLD NEW         compare two sets of contracts and classify each change

PATH, OLD and NEW are contract files (*.odcs.yaml, *.odcs.yml, *.odcs.json) or directories of
them, S3 locations (s3://<bucket>/<prefix>/: every contract directly under the prefix, read over
the AWS_ENDPOINT_URL* variables' connection, else AWS), or several separated by commas; each
names a whole set, with every dataset the pipeline reads. Without PATH (validate) or --contracts
(validate, show), the contracts in use are read: $VALIDATOR_CONTRACTS (a directory or file, an
S3 location, or several separated by commas), else the repository's contracts/.

diff compiles both sets (each must be valid) and classifies every change by what it can do to
data the pipeline has already judged:
  reclassifies  a stored file or row could get another verdict: a check tightened or loosened,
                a rule added, removed or rewritten, a header renamed, a column added as required,
                the key or the rejected-row threshold changed, a dataset or folder added or removed
  reports       verdicts stay, but reports or silver say something else: a code renamed, a
                rule's wording, a logical column name, the contract id
  compatible    nothing judged changes: a version bump, an optional column that checks nothing
It warns when a contract's content changed but its version did not.

Options:
  --contracts <path>   (validate, show) the contracts to read instead of those in use;
                       repeatable, or several separated by commas
  --json               print the result as JSON
  -h, --help           show this help

Exit codes: 0 ok (diff: no change reclassifies stored data), 1 error or invalid contracts,
2 diff only: at least one change reclassifies stored data`;

type Env = Readonly<Record<string, string | undefined>>;

/** `storeflow contracts …`: returns the exit code; throws a one-line error on failure. */
export async function contractsCommand(argv: string[], env: Env): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, {
    help: { type: 'boolean', short: 'h' },
    contracts: { type: 'string', multiple: true },
    json: { type: 'boolean' },
  });
  const [command, ...args] = positionals;
  if (values.help || command === undefined) {
    console.log(CONTRACTS_USAGE);
    return values.help ? ExitCode.OK : ExitCode.ERROR;
  }
  const given = values.contracts ?? [];
  if (given.some((value) => value.trim() === '')) throw new UsageError('--contracts needs a path');
  const json = values.json === true;
  switch (command) {
    case 'validate':
      return validate(contractPaths([...args, ...given], env), env, json);
    case 'show':
      if (args.length > 1) throw new UsageError(`unexpected argument '${args[1]}'; see --help`);
      return show(contractPaths(given, env), env, args[0], json);
    case 'diff': {
      if (given.length > 0)
        throw new UsageError('diff compares OLD and NEW: it takes no --contracts; see --help');
      const [oldPath, newPath, extra] = args;
      if (oldPath === undefined || newPath === undefined)
        throw new UsageError('diff needs OLD and NEW (contract files or directories); see --help');
      if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'; see --help`);
      return diff(oldPath, newPath, env, json);
    }
    default:
      throw new UsageError(`unknown command '${command}'; use validate, show or diff (see --help)`);
  }
}

async function compile(paths: readonly string[], env: Env) {
  return compileContractSet(await readContractLocations(paths, env));
}

function problemCount(problems: readonly ContractProblem[]): string {
  return `${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}`;
}

async function validate(paths: readonly string[], env: Env, json: boolean): Promise<number> {
  const result = await compile(paths, env);
  if (!result.ok) {
    if (json) printJson({ ok: false, problems: result.problems });
    else process.stdout.write(`${result.problems.map(problemLine).join('\n')}\n`);
    process.stderr.write(`storeflow: the contracts have ${problemCount(result.problems)}\n`);
    return ExitCode.ERROR;
  }
  const datasets = [...result.contracts.datasets.values()];
  if (json)
    printJson({ ok: true, sources: result.contracts.sources, datasets: datasets.map(datasetSummary) });
  else process.stdout.write(`${validationLines(result.contracts).join('\n')}\n`);
  return ExitCode.OK;
}

/** The compiled set, or its problems once they are printed on stderr. */
async function compileOrReport(
  paths: readonly string[],
  env: Env,
  what: string,
): Promise<ContractSet | ContractProblem[]> {
  const result = await compile(paths, env);
  if (result.ok) return result.contracts;
  process.stderr.write(
    `storeflow: ${what} (${paths.join(', ')}) have ${problemCount(result.problems)}:\n${result.problems.map((problem) => `  ${problemLine(problem)}\n`).join('')}`,
  );
  return [...result.problems];
}

async function show(
  paths: readonly string[],
  env: Env,
  dataset: string | undefined,
  json: boolean,
): Promise<number> {
  const contracts = await compileOrReport(paths, env, 'the contracts');
  if (Array.isArray(contracts)) {
    if (json) printJson({ ok: false, problems: contracts });
    return ExitCode.ERROR;
  }
  const all = [...contracts.datasets.values()];
  const shown = dataset === undefined ? all : all.filter((contract) => contract.dataset === dataset);
  if (shown.length === 0)
    throw new Error(
      `no contract defines dataset '${dataset}'; these do: ${all.map((contract) => contract.dataset).join(', ')}`,
    );
  if (json) {
    printJson({ ok: true, sources: contracts.sources, datasets: shown.map(contractDocument) });
    return ExitCode.OK;
  }
  console.log(`contracts: ${contracts.sources.join(', ')}`);
  for (const contract of shown) process.stdout.write(`\n${renderContract(contract)}`);
  return ExitCode.OK;
}

async function diff(oldPath: string, newPath: string, env: Env, json: boolean): Promise<number> {
  // OLD and NEW are read as given, never from $VALIDATOR_CONTRACTS; env is the AWS connection.
  const old = await compileOrReport(contractPaths([oldPath], {}), env, 'the OLD contracts');
  const next = await compileOrReport(contractPaths([newPath], {}), env, 'the NEW contracts');
  if (Array.isArray(old) || Array.isArray(next)) {
    if (json)
      printJson({
        ok: false,
        problems: [
          ...(Array.isArray(old) ? old.map((problem) => ({ side: 'old', ...problem })) : []),
          ...(Array.isArray(next) ? next.map((problem) => ({ side: 'new', ...problem })) : []),
        ],
      });
    return ExitCode.ERROR;
  }
  const changes = diffContractSets(old, next);
  const unbumped = unbumpedVersions(old, next, changes);
  const reclassifies = changes.some((change) => change.impact === ChangeImpact.RECLASSIFIES);
  if (json) printJson({ ok: true, reclassifies, changes, versionNotBumped: unbumped });
  else process.stdout.write(renderChanges(changes, unbumped));
  return reclassifies ? ExitCode.RECLASSIFIES : ExitCode.OK;
}
