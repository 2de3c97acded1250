export { ANY_ECS_SERVICE, permissionStatements, placeholder } from "./permissions.ts";
export { policyDocument, renderStatement, renderTemplate, toPolicyDocument } from "./policyDocument.ts";
export {
  AUTOPILOT_FUNCTIONS,
  type AutopilotFunction,
  type IamCondition,
  type PermissionOptions,
  type PermissionStatement,
  PLACEHOLDERS,
  type Placeholder,
  type PolicyDocument,
  type TemplateValues,
} from "./types.ts";
