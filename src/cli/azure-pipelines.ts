// Azure Pipelines logging commands (`##vso[…]`), written only when TF_BUILD is set: the agent reads
// them from the step's stdout to set output variables, mark warnings and errors, and mask secrets.

export function underAzurePipelines(env: NodeJS.ProcessEnv): boolean {
  return (env.TF_BUILD ?? '') !== '';
}

/** The agent's escaping of a command's data (as azure-pipelines-task-lib does it). */
function escapeData(value: string): string {
  return value.replace(/%/g, '%AZP25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** The agent's escaping of a property value (`;` and `]` end a property). */
function escapeProperty(value: string): string {
  return escapeData(value).replace(/]/g, '%5D').replace(/;/g, '%3B');
}

export function setSecretCommand(value: string): string {
  return `##vso[task.setsecret]${escapeData(value)}`;
}

export function logIssueCommand(type: 'warning' | 'error', message: string): string {
  return `##vso[task.logissue type=${type}]${escapeData(message)}`;
}

/**
 * An output variable. Azure Pipelines variable names take letters, digits, `.` and `_` only, so the
 * action's output names are written with `_` for `-` (`file-count` → `$(step.file_count)`).
 */
export function setOutputCommand(name: string, value: string): string {
  return `##vso[task.setvariable variable=${escapeProperty(outputVariableName(name))};isOutput=true]${escapeData(value)}`;
}

export function outputVariableName(name: string): string {
  return name.replace(/-/g, '_');
}
