/**
 * The CloudWatch console page of a dashboard, in its region (the commercial partition's console; the
 * stack's region and the dashboard's name reach the function as environment variables).
 */
export function dashboardConsoleUrl(region: string, dashboardName: string): string {
  const r = encodeURIComponent(region);
  return `https://${r}.console.aws.amazon.com/cloudwatch/home?region=${r}#dashboards/dashboard/${encodeURIComponent(dashboardName)}`;
}
