import {
  type ComputeOptimizerClient,
  GetECSServiceRecommendationsCommand,
  type GetECSServiceRecommendationsResponse,
} from "@aws-sdk/client-compute-optimizer";
import {
  type ComputeOptimizerView,
  computeOptimizerFailure,
  computeOptimizerView,
} from "./computeOptimizerView.ts";

/**
 * Every ECS service recommendation Compute Optimizer has for the region, following `nextToken`.
 * An account that has not opted in, or a role without `compute-optimizer:GetECSServiceRecommendations`,
 * is a status in the report, not a failure of the run (computeOptimizerView.ts reads the answer).
 *
 * @example
 * const view = await readComputeOptimizer(insight.computeOptimizer);
 * view.recommendations.get(serviceArn)?.finding; // "Overprovisioned"
 */
export async function readComputeOptimizer(client: ComputeOptimizerClient): Promise<ComputeOptimizerView> {
  const pages: GetECSServiceRecommendationsResponse[] = [];
  try {
    let nextToken: string | undefined;
    do {
      const page = await client.send(
        new GetECSServiceRecommendationsCommand({ maxResults: 1000, ...(nextToken ? { nextToken } : {}) }),
      );
      pages.push(page);
      nextToken = page.nextToken;
    } while (nextToken);
  } catch (error) {
    return computeOptimizerFailure(error, pages);
  }
  return computeOptimizerView(pages);
}
