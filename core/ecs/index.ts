export { nameFromArn, type ServiceRef, scalableResourceId, serviceRef } from "./arns.ts";
export {
  type ContainerInstanceFacts,
  containerInstanceFacts,
  type Resources,
  taskReservation,
} from "./containerInstanceFacts.ts";
export { listContainerInstances } from "./containerInstances.ts";
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
export { ACCEPTED_MEDIA_TYPES, type ImagePlatforms, readImagePlatforms } from "./imagePlatforms.ts";
export { hasLinuxArm64, platformsOfIndex } from "./indexPlatforms.ts";
export { type Deployed, type RollOut, rollOut } from "./rollOut.ts";
export { copyTaskDefinition, isReservedTagKey, mergeTags } from "./TaskDefinitionCopy.ts";
export { cpuUnits, memoryMiB } from "./units.ts";
