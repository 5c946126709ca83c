export {
  type BetaArm,
  type BetaPosterior,
  type BetaPrior,
  betaPosterior,
  DEFAULT_STOPPING_RULE,
  type ProbabilityBestOptions,
  probabilityBest,
  splitAmount,
  type ThompsonArm,
  thompsonShares,
  UNIFORM_PRIOR,
} from './bayes.js';
export { createRng, type Rng, sampleBeta, sampleBinomial, sampleGamma, sampleNormal } from './random.js';
