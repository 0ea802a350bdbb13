import { writeFileSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';

/** Where `scripts/test.ts` asks for the tiers' times, to print them with the type check's and lint's. */
export const TIER_TIMES_FILE_ENV = 'CASEWATCH_TIER_TIMES_FILE';

export interface TierTime {
  tier: string;
  files: number;
  /** From the first file of the tier starting to its last one ending (tiers overlap). */
  wallMs: number;
}

/**
 * Ends the run with each tier's time (a tier is a Vitest project: unit, infra, integration, e2e) and
 * the plain `N passed, N failed, N skipped` line CI tooling reads in any language.
 */
export default class PlainSummaryReporter implements Reporter {
  private readonly spans = new Map<string, { start: number; end: number; files: number }>();

  onTestModuleStart(testModule: TestModule): void {
    const tier = testModule.project.name || 'default';
    const span = this.spans.get(tier) ?? { start: Date.now(), end: Date.now(), files: 0 };
    span.start = Math.min(span.start, Date.now());
    this.spans.set(tier, span);
  }

  onTestModuleEnd(testModule: TestModule): void {
    const span = this.spans.get(testModule.project.name || 'default');
    if (!span) return;
    span.end = Math.max(span.end, Date.now());
    span.files++;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed++;
        else if (state === 'failed') counts.failed++;
        else counts.skipped++;
      }
    }
    const tiers: TierTime[] = [...this.spans].map(([tier, s]) => ({
      tier,
      files: s.files,
      wallMs: s.end - s.start,
    }));
    const file = process.env[TIER_TIMES_FILE_ENV];
    if (file) writeFileSync(file, JSON.stringify(tiers));
    else
      for (const t of tiers)
        console.log(`${t.tier.padEnd(12)} ${(t.wallMs / 1000).toFixed(1)} s (${t.files} files)`);
    console.log(`\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  }
}
