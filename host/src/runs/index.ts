export { approveCommand, renderPlan, runCommand, workerCommand } from './cli.js';
export { type RunRoutesDeps, registerRunRoutes, runRoutes, workspaceRunRoutes } from './routes.js';
export { createRuns, type RunsOptions } from './service.js';
