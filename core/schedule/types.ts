import type { ScalableTarget, ScheduledAction } from "@aws-sdk/client-application-auto-scaling";
import type { Service } from "@aws-sdk/client-ecs";
import type { Capacity, PlannedScheduledAction } from "./planScheduledActions.ts";
import type { ScheduleSpec } from "./ScheduleSpec.ts";

export interface ScheduledServiceRef {
  readonly clusterName: string;
  readonly serviceName: string;
  readonly serviceArn: string;
  /** `service/<cluster>/<service>`, the scalable target's ResourceId. */
  readonly resourceId: string;
}

/** One write the reconciler makes (or would make, on a dry run). */
export type ScheduleWrite =
  | {
      readonly kind: "put-action";
      readonly action: PlannedScheduledAction;
      readonly reason: "create" | "update";
    }
  | { readonly kind: "delete-action"; readonly name: string; readonly reason: "obsolete" | "recreate" }
  | {
      readonly kind: "set-capacity";
      readonly capacity: Capacity;
      readonly reason: "register" | "schedule-now" | "restore";
    }
  | { readonly kind: "remember-capacity"; readonly capacity: Capacity; readonly source: string }
  /**
   * The schedule was removed: the remembered capacity is marked released before our actions are
   * deleted, so that if forgetting it fails afterwards (nothing brings a reconcile back to the
   * service then), a schedule set again later never takes it for its up capacity.
   */
  | { readonly kind: "release-capacity" }
  | { readonly kind: "forget-capacity" };

export interface ServiceSchedulePlan {
  readonly service: ScheduledServiceRef;
  readonly status: "scheduled" | "invalid" | "unscheduled";
  readonly spec?: ScheduleSpec;
  readonly capacity?: { readonly up: Capacity; readonly off: Capacity };
  readonly actions?: readonly PlannedScheduledAction[];
  readonly writes: readonly ScheduleWrite[];
  readonly error?: string;
  /**
   * Applying the writes failed part-way: what failed. The next reconcile plans again from what
   * holds and converges; the invocation fails so that it is retried.
   */
  readonly failure?: string;
  /**
   * With `failure`: the writes made before it (in the order made); the others of `writes` were
   * not made.
   */
  readonly writesDone?: readonly ScheduleWrite[];
  /** Running tasks when up (for savings) and the task's size. */
  readonly upTasks?: number;
  readonly taskDefinition?: string;
}

export interface ScheduleReport {
  readonly now: Date;
  readonly dryRun: boolean;
  readonly services: readonly ServiceSchedulePlan[];
}

/** The up capacity remembered for a service (the state table's schedule memory). */
export interface RememberedCapacity {
  readonly upMin: number;
  readonly upMax: number;
  readonly source: string;
  /** Released by a removed schedule (`release-capacity`): restored, no longer an up capacity. */
  readonly released?: boolean;
}

/** Everything the planner reads, loaded once per reconcile. */
export interface ScheduleInputs {
  /** Active services that have a schedule (tag or config) or actions of ours. */
  readonly services: readonly Service[];
  /** Our scheduled actions (`autopilot-…`) by scalable target ResourceId. */
  readonly actions: ReadonlyMap<string, readonly ScheduledAction[]>;
  /** Scalable targets by ResourceId. */
  readonly targets: ReadonlyMap<string, ScalableTarget>;
  /** Remembered up capacities by service ARN. */
  readonly remembered: ReadonlyMap<string, RememberedCapacity>;
}
