export { approveCommand, renderPlan, runCommand, workerCommand } from './cli.js';
export { type RunRoutesDeps, runRoutes, workspaceRunRoutes } from './routes.js';
export { createRuns, type RunsOptions } from './service.js';
