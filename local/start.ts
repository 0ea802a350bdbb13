/**
 * `npm start`: the local runtime (SPEC §8) — API, DynamoDB Local, SES inbox, SMTP, manual clock —
 * arrives with the Cases issue. Until then this says so plainly instead of pretending to serve.
 */
console.log(`casewatch: the local runtime is not built yet; it arrives with the "Cases end to end" issue.

What works today, without any server:
  npx casewatch deadlines --level 1 --from 2026-11-27T09:00:00-08:00
  npm test        type check, lint and every test
  npm run bench   business-time benchmark
  npx cdk synth   the CDK app, checked by cdk-nag`);
