import { Command, CommanderError } from 'commander';
import { generateKey } from '../crypto/key-ring.js';
import { isValidationError } from '../errors/validation-error.js';
import { configCheck } from './commands/config-check.js';
import { runDev } from './commands/dev.js';
import { dlqList, dlqPurge, dlqReplay, dlqShow } from './commands/dlq.js';
import { send, type SendOptions } from './commands/send.js';
import { status } from './commands/status.js';
import { runIngest, runWorker } from './commands/serve.js';
import { runUi } from './commands/ui.js';
import type { GlobalOptions } from './context.js';
import { CliError } from './errors.js';

const program = new Command('otp-courier')
  .description('Queue-backed delivery worker for one-time passwords')
  .option('--config <file>', 'config file (default: $OTP_COURIER_CONFIG, then ./otp-courier.yaml)')
  .option('--verbose', 'print stack traces on errors')
  .showHelpAfterError()
  .exitOverride();

const globals = (): GlobalOptions => program.opts<GlobalOptions>();
const withGlobals = <T extends object>(local: T): T & GlobalOptions => ({ ...globals(), ...local });
const addConfig = (cmd: Command) => cmd.option('--config <file>', 'config file');

addConfig(
  program
    .command('worker')
    .description('consume the queue and deliver; /metrics /healthz /readyz on metrics.port')
    .option('--shards <list>', 'consume only these shards of queue.shards, e.g. 0-3,6 (default: every shard)'),
).action((o: GlobalOptions & { shards?: string }) => runWorker(withGlobals(o)));
addConfig(program.command('ingest').description('HTTP producer (POST /v1/email, /v1/sms) on ingest.port')).action((o: GlobalOptions) => runIngest(withGlobals(o)));
addConfig(program.command('ui').description('read-only web view of the queue and dead letters on ui.port')).action((o: GlobalOptions) => runUi(withGlobals(o)));
addConfig(
  program
    .command('send')
    .description('enqueue one message and print its id')
    .requiredOption('--channel <channel>', 'email or sms')
    .requiredOption('--to <address>', 'email address or E.164 phone number')
    .requiredOption('--type <type>', 'Logto template type, e.g. SignIn')
    .option('--code <code>', 'the one-time code')
    .option('--locale <locale>', 'language tag, e.g. ko')
    .option('--payload <json>', 'Logto payload as JSON')
    .option('--wait <seconds>', 'wait for the outcome; exit 0 only if delivered')
    .option('--wait-receipt <seconds>', 'wait for a final delivery receipt; exit 0 only on delivered'),
).action((o: SendOptions) => send(withGlobals(o)));
addConfig(program.command('status <id>').description('outcome, latest delivery receipt and provider of one message').option('--json', 'one JSON object')).action(
  (id: string, o: GlobalOptions & { json?: boolean }) => status(withGlobals(o), id),
);

const dlq = program.command('dlq').description('the dead-letter queue');
addConfig(dlq.command('list').description('list dead letters').option('--json', 'JSON array')).action((o: GlobalOptions & { json?: boolean }) => dlqList(withGlobals(o)));
addConfig(dlq.command('show <id>').description('show one dead letter')).action((id: string, o: GlobalOptions) => dlqShow(withGlobals(o), id));
addConfig(dlq.command('replay [id]').description('re-enqueue one dead letter, or --all').option('--all', 'every dead letter')).action((id: string | undefined, o: GlobalOptions & { all?: boolean }) =>
  dlqReplay(withGlobals(o), id),
);
addConfig(dlq.command('purge [id]').description('delete one dead letter, or --all').option('--all', 'every dead letter')).action((id: string | undefined, o: GlobalOptions & { all?: boolean }) =>
  dlqPurge(withGlobals(o), id),
);

addConfig(program.command('config').description('config tools').command('check').description('validate the config offline')).action((o: GlobalOptions) => configCheck(withGlobals(o)));
program
  .command('keygen')
  .description('print a fresh payload-encryption key')
  .action(() => {
    process.stdout.write(`${generateKey()}\n`);
  });
addConfig(program.command('dev').description('local demo: Redis, worker, ingest and sample messages').option('--exit', 'exit after the samples are delivered')).action((o: GlobalOptions & { exit?: boolean }) =>
  runDev(withGlobals(o)),
);

const fail = (error: unknown): never => {
  const verbose = process.argv.includes('--verbose');
  const code = error instanceof CliError ? error.exitCode : isValidationError(error) ? 2 : 1;
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`otp-courier: ${message}\n`);
  if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exit(code);
};

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exit(error.exitCode === 0 ? 0 : 2);
  }
  fail(error);
}
