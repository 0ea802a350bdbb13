import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, type AppProps, type IPolicyValidationPlugin, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { CasewatchStack, SettingError } from './casewatch-stack.ts';
import { PROJECT_ROOT } from './constructs/casewatch-function.ts';
import { ControlTowerChecks } from './control-tower-checks.ts';

/** Name of the single stack, shared by the CLI, tests and docs. */
export const STACK_NAME = 'CasewatchStack';

/**
 * cdk.json's `context` (feature flags, CLI settings). The CLI hands it to the app itself; loading it here as
 * defaults makes a test-built app behave exactly like `npx cdk synth` (CLI-supplied values still win).
 */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(resolve(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

/** Which policy checks `addPolicyChecks` registers besides cdk-nag's. */
export interface PolicyCheckOptions {
  /**
   * AWS Control Tower's proactive controls (`ControlTowerChecks`). They take a few seconds per synth of
   * the whole stack, so tests that only read the template turn them off; app.test.ts keeps them.
   * @default true
   */
  readonly controlTower?: boolean;
}

/**
 * Registers cdk-nag's AwsSolutions and Serverless packs and AWS Control Tower's proactive controls, all as
 * CDK policy-validation plugins. Findings land in `validation-report.json`; unacknowledged errors fail the
 * synth. Acknowledge on the construct concerned with the namespaced id (`AwsSolutions::AwsSolutions-L1`,
 * `cdk-validator-cfnguard::lambda_inside_vpc_check`) so the report keeps each suppression, its reason and
 * where it was made.
 */
export function addPolicyChecks(app: App, { controlTower = true }: PolicyCheckOptions = {}): void {
  const plugins: IPolicyValidationPlugin[] = [new AwsSolutionsChecks(app), new ServerlessChecks(app)];
  if (controlTower) plugins.push(new ControlTowerChecks());
  Validations.of(app).addPlugins(...plugins);
}

/** The app and its one stack, as `buildApp` returns them. */
export interface CasewatchApp {
  readonly app: App;
  readonly stack: CasewatchStack;
}

/**
 * Builds the app the CLI synthesizes (one env-agnostic stack, every policy check on) so tests check the
 * real thing. Tests that only read the template may turn off CDK's CloudFormation schema check (~5 s per
 * process) and the Control Tower rules (a few seconds per synth).
 */
export function buildApp(
  props: Pick<AppProps, 'outdir' | 'context' | 'builtinCloudFormationValidation'> & PolicyCheckOptions = {},
): CasewatchApp {
  const app = new App({
    outdir: props.outdir,
    context: { ...cdkJsonContext(), ...props.context },
    builtinCloudFormationValidation: props.builtinCloudFormationValidation,
  });
  const stack = new CasewatchStack(app, STACK_NAME);
  addPolicyChecks(app, { controlTower: props.controlTower });
  return { app, stack };
}

// Run by the CDK CLI (`npx tsx infra/app.ts`), not when imported by tests.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    buildApp().app.synth();
  } catch (error) {
    if (!(error instanceof SettingError)) throw error;
    console.error(`casewatch cannot be synthesized: ${error.message}`);
    process.exit(1);
  }
}
