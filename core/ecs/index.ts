export { nameFromArn, type ServiceRef, scalableResourceId, serviceRef } from "./arns.ts";
export {
  type ContainerInstanceFacts,
  containerInstanceFacts,
  listContainerInstances,
  type Resources,
  taskReservation,
} from "./containerInstances.ts";
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
export { FARGATE_SIZES, FARGATE_TASK_SIZES, type FargateSize } from "./FargateSize.ts";
export {
  type ImageReference,
  isInRepository,
  parseImageReference,
  pinnedImage,
} from "./ImageReference.ts";
export {
  ACCEPTED_MEDIA_TYPES,
  hasLinuxArm64,
  type ImagePlatforms,
  platformsOfIndex,
  readImagePlatforms,
} from "./imagePlatforms.ts";
export { type Deployed, type RollOut, rollOut } from "./rollOut.ts";
export { copyTaskDefinition, isReservedTagKey, mergeTags } from "./TaskDefinitionCopy.ts";
export { cpuUnits, memoryMiB } from "./units.ts";
