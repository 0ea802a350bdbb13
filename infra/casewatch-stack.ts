import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { CasewatchFunction } from './constructs/casewatch-function.ts';

/**
 * The whole casewatch backend in one env-agnostic stack; capabilities (store, api, timers, mail,
 * observability) arrive as constructs in later issues.
 */
export class CasewatchStack extends Stack {
  /** Liveness probe, for the API to route `GET /health` to; also the smallest real bundle synth builds. */
  public readonly healthFunction: CasewatchFunction;

  public constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, {
      description: 'casewatch: serverless support-case backend (cases, SLA timers, email, surveys)',
      ...props,
    });
    this.healthFunction = new CasewatchFunction(this, 'Health', {
      entry: 'functions/health/handler.ts',
      description: 'casewatch liveness probe',
    });
  }
}
