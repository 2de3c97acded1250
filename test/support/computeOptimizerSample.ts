/**
 * One ECSServiceRecommendation as Compute Optimizer's GetECSServiceRecommendations returns it on
 * the wire (AWS JSON 1.0), field by field after the API reference's response syntax
 * (https://docs.aws.amazon.com/compute-optimizer/latest/APIReference/API_GetECSServiceRecommendations.html)
 * and the SDK's model (ECSServiceRecommendation in @aws-sdk/client-compute-optimizer's
 * models_0.d.ts); lastRefreshTimestamp in epoch seconds, as the JSON protocol sends timestamps.
 * The reference publishes no example response: the values are a 2 vCPU / 4 GiB Fargate service
 * Compute Optimizer finds overprovisioned, and its saving is Compute Optimizer's own figure as the
 * report prints it, not a price anything here computes with.
 */
export function ecsServiceRecommendation(serviceArn: string) {
  const [, , , region = "eu-west-1", account = "123456789012"] = serviceArn.split(":");
  return {
    serviceArn,
    accountId: account,
    currentServiceConfiguration: {
      memory: 4096,
      cpu: 2048,
      containerConfigurations: [
        { containerName: "app", memorySizeConfiguration: { memory: 4096 }, cpu: 2048 },
      ],
      taskDefinitionArn: `arn:aws:ecs:${region}:${account}:task-definition/api:1`,
    },
    utilizationMetrics: [
      { name: "Cpu", statistic: "Maximum", value: 14.6 },
      { name: "Memory", statistic: "Maximum", value: 17.1 },
    ],
    lookbackPeriodInDays: 14,
    launchType: "Fargate",
    lastRefreshTimestamp: 1_795_478_400,
    finding: "Overprovisioned",
    findingReasonCodes: ["CPUOverprovisioned", "MemoryOverprovisioned"],
    serviceRecommendationOptions: [
      {
        memory: 2048,
        cpu: 512,
        savingsOpportunity: {
          savingsOpportunityPercentage: 62.5,
          estimatedMonthlySavings: { currency: "USD", value: 88.2 },
        },
        projectedUtilizationMetrics: [
          { name: "Cpu", statistic: "Maximum", lowerBoundValue: 51.2, upperBoundValue: 58.4 },
          { name: "Memory", statistic: "Maximum", lowerBoundValue: 30.1, upperBoundValue: 34.2 },
        ],
        containerRecommendations: [
          { containerName: "app", memorySizeConfiguration: { memory: 2048 }, cpu: 512 },
        ],
      },
    ],
    currentPerformanceRisk: "VeryLow",
    effectiveRecommendationPreferences: { savingsEstimationMode: { source: "PublicPricing" } },
    tags: [],
  };
}
