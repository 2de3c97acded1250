export { nameFromArn, type ServiceRef, scalableResourceId, serviceRef } from "./arns.ts";
export {
  type DescribedServices,
  type DescribedTaskDefinition,
  describeServices,
  describeTaskDefinitions,
  describeTaskDefinitionsSettled,
  listAllServices,
  type SettledTaskDefinitions,
  tagMap,
} from "./describe.ts";
export { FARGATE_SIZES, FARGATE_TASK_SIZES, type FargateSize, isFargateSize } from "./FargateSize.ts";
export {
  type ImageReference,
  isInRepository,
  parseImageReference,
  pinnedImage,
} from "./ImageReference.ts";
export { type Deployed, type RollOut, rollOut } from "./rollOut.ts";
export { copyTaskDefinition, isReservedTagKey, mergeTags } from "./TaskDefinitionCopy.ts";
export { cpuUnits, memoryMiB } from "./units.ts";
