import type { ResolvedSuite, ResolvedTask } from '../../src/config/resolve.js';
import { scanTasks, selectedTasks, type TaskSelection } from '../../src/config/tasks.js';

/** Every task of a resolved suite, read and rendered the way a run reads them (scan, then stream). */
export async function readTasks(suite: ResolvedSuite, selection: TaskSelection = {}): Promise<ResolvedTask[]> {
  const scan = await scanTasks(suite, selection);
  const tasks: ResolvedTask[] = [];
  for await (const task of selectedTasks(suite, scan, selection)) tasks.push(task);
  return tasks;
}
