import { KpiRepository } from '@storeflow/aws';
import { withAwsTarget } from '../awsTarget.js';
import { ExitCode, UsageError } from '../cliErrors.js';
import { dateRangeOptions, parseCommandLine, printJson, rejectPositionals } from '../commandLine.js';
import { asStoredAttributes, categoryKpiTable, dailyKpiTable } from '../kpiTables.js';

export const KPIS_USAGE = `Usage: storeflow kpis [options]

Prints the KPIs the pipeline computed: the daily table (OrderKPIs, one line per order date) and
the category table (CategoryKPIs, one line per category and order date), with the attribute
names of the specification. Money has 2 decimals, rates (fractions 0..1) 4. Both tables are read
in full with a filter (a Scan; a --category alone is a Query), fine for an operator, not for a
dashboard.

Options:
  --from <YYYY-MM-DD>   first order date (inclusive)
  --to <YYYY-MM-DD>     last order date (inclusive)
  --category <name>     only this category in the category table (the daily table is not
                        per category and is left as it is)
  --prefix <prefix>     resource name prefix (default: $STOREFLOW_PREFIX, else storeflow)
  --json                print {"daily": [...], "categories": [...]} with the stored attributes
  -h, --help            show this help`;

/** `storeflow kpis`: returns the exit code; throws a one-line error on failure. */
export async function kpisCommand(
  argv: string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, {
    help: { type: 'boolean', short: 'h' },
    from: { type: 'string' },
    to: { type: 'string' },
    category: { type: 'string' },
    prefix: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    console.log(KPIS_USAGE);
    return ExitCode.OK;
  }
  rejectPositionals(positionals);
  const range = dateRangeOptions(values);
  if (values.category === '') throw new UsageError('--category needs a category name');
  const { daily, categories } = await withAwsTarget(env, values, async ({ clients, names }) => {
    const kpis = new KpiRepository({
      clients,
      categoryTableName: names.categoryKpisTable,
      orderTableName: names.orderKpisTable,
    });
    return {
      daily: await kpis.listOrderKpis(range),
      categories: await kpis.listCategoryKpis({
        ...range,
        ...(values.category === undefined ? {} : { category: values.category }),
      }),
    };
  });
  if (values.json) {
    printJson({ daily: daily.map(asStoredAttributes), categories: categories.map(asStoredAttributes) });
    return ExitCode.OK;
  }
  console.log('Daily KPIs (OrderKPIs)');
  if (daily.length === 0) console.log('  none');
  else process.stdout.write(dailyKpiTable(daily));
  console.log('');
  console.log('Category KPIs (CategoryKPIs)');
  if (categories.length === 0) console.log('  none');
  else process.stdout.write(categoryKpiTable(categories));
  return ExitCode.OK;
}
