// $GITHUB_STEP_SUMMARY: the Markdown GitHub Actions shows on the job's summary page.
import { appendFile } from 'node:fs/promises';

/** Appends (each step adds its part); returns a warning, not a throw, since the results are safe. */
export async function appendStepSummary(env: Record<string, string | undefined>, markdown: string): Promise<string | null> {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return null;
  try {
    await appendFile(file, `${markdown}\n`);
    return null;
  } catch (error) {
    return `Could not append to GITHUB_STEP_SUMMARY (${file}): ${(error as Error).message}`;
  }
}
