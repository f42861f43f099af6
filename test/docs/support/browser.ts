// Debian's chromium driven by playwright-core (never a downloaded browser), offline.
export { CHROMIUM, launchChromium } from '../../../src/docs-build/chromium.ts';

export const VIEWPORTS = {
  desktop: { width: 1280, height: 900 },
  phone: { width: 390, height: 844 },
} as const;
