import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import type {
  IPolicyValidationContextBeta1,
  IPolicyValidationPluginBeta1,
  PolicyValidationPluginReportBeta1,
} from 'aws-cdk-lib';

/** The name the Control Tower plugin reports under: its findings are acknowledged as `<this>::<rule>`. */
export const CONTROL_TOWER_PLUGIN = 'cdk-validator-cfnguard';

/**
 * AWS Control Tower's proactive controls: the cfn-guard rules `@cdklabs/cdk-validator-cfnguard` ships, run
 * by the cfn-guard binary bundled in that package (locally: offline, no install script), with every
 * finding marked as an error.
 *
 * Why marked: the plugin reports findings without a severity. CDK prints those as errors, but once any
 * finding of the plugin is acknowledged it re-decides the plugin's pass/fail from the findings marked
 * `error` only, so a single acknowledgment would let every other Control Tower finding through the synth.
 */
export class ControlTowerChecks implements IPolicyValidationPluginBeta1 {
  public readonly name: string;
  public readonly version?: string;
  public readonly ruleIds?: string[];
  private readonly guard: CfnGuardValidator;

  public constructor() {
    // cfn-guard's JSON output for the whole stack is most of a megabyte (Node's default buffer) and grows
    // with every resource, acknowledged or not: too small a buffer would kill it mid-report.
    this.guard = new CfnGuardValidator({ maxBuffer: 64 * 1024 * 1024 });
    this.name = this.guard.name;
    this.version = this.guard.version;
    this.ruleIds = this.guard.ruleIds;
    if (this.name !== CONTROL_TOWER_PLUGIN) {
      throw new Error(
        `cfn-guard plugin renamed to ${this.name}: acknowledgments name ${CONTROL_TOWER_PLUGIN}`,
      );
    }
  }

  public validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    const report = this.guard.validate(context);
    return {
      ...report,
      violations: report.violations.map((violation) => ({ ...violation, severity: 'error' })),
    };
  }
}
