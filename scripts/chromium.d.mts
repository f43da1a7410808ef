import type { BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH: string;
export const CHROMIUM_ARGS: readonly string[];
export function launchChromium(opts?: {
  extraArgs?: readonly string[];
  viewport?: { width: number; height: number };
}): Promise<{ context: BrowserContext; close(): Promise<void> }>;
