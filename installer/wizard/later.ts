// Everything the wizard needs after its first screen, in one module that app.ts imports once
// the welcome screen is drawn: keeps the first frame down to ink and the welcome screen.
export { SiteScreen } from './screens/site.ts';
export { BrokenSiteScreen } from './screens/site-broken.ts';
export { LabScreen } from './screens/lab.ts';
export { ConnectScreen } from './screens/connect.ts';
export { PreflightScreen } from './screens/preflight.ts';
export { PlanScreen } from './screens/plan.ts';
export { RunScreen } from './screens/run.ts';
export { FailureScreen } from './screens/failure.ts';
export { DoneScreen } from './screens/done.ts';
export { sameSite, siteEditable, startingText, valuesFromText } from './site-form.ts';
export { planWithout } from './skip.ts';
