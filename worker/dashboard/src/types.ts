/**
 * Shapes of the admin API, inferred from the zod schemas in shared/admin.ts. Type-only
 * imports: zod itself never enters the dashboard's bundle.
 */
import type {
  AuditEntry,
  AuditResponse,
  AwarenessResponse,
  Candidate,
  CandidateState,
  CandidatesResponse,
  DeviceEntry,
  DevicesResponse,
  EnrollmentTokenCreated,
  EnrollmentTokenEntry,
  EnrollmentTokenRequest,
  EnrollmentTokenUpdate,
  EvidencePack,
  ExceptionDecision,
  ExceptionEntry,
  ExtensionCandidate,
  FlagReviewRequest,
  InventoryTool,
  LessonsResponse,
  LiteracyCoverage,
  MeResponse,
  OrganizationEntriesResponse,
  OrganizationEntryView,
  OverviewResponse,
  PolicyListResponse,
  PolicyPublishResponse,
  PolicyValidateResponse,
  ReviewQueueEntry,
  ReviewQueueResponse,
  ReviewRequest,
  ToolDetailResponse,
  ToolReview,
} from "../../../shared/admin";
import type { EventKind, ReviewStatus } from "../../../shared/events";
import type { Policy, PolicyAction } from "../../../shared/policy/schema";

export type {
  AuditEntry,
  AuditResponse,
  Candidate,
  CandidateState,
  CandidatesResponse,
  EnrollmentTokenCreated,
  EnrollmentTokenRequest,
  EnrollmentTokenUpdate,
  EventKind,
  EvidencePack,
  ExceptionEntry,
  ExtensionCandidate,
  FlagReviewRequest,
  InventoryTool,
  OrganizationEntriesResponse,
  OrganizationEntryView,
  Policy,
  PolicyAction,
  PolicyPublishResponse,
  ReviewQueueEntry,
  ReviewQueueResponse,
  ReviewStatus,
};
export type Me = MeResponse;
export type Overview = OverviewResponse;
export type ToolDetail = ToolDetailResponse;
export type ToolFacts = ToolDetailResponse["tool"]["facts"];
export type Review = ToolReview;
export type ReviewInput = ReviewRequest;
export type Awareness = AwarenessResponse;
export type Decision = ExceptionDecision;
export type PolicyIndex = PolicyListResponse;
export type Validation = PolicyValidateResponse;
export type Devices = DevicesResponse;
export type LessonsIndex = LessonsResponse;
export type Literacy = LiteracyCoverage;
export type Device = DeviceEntry;
export type EnrollmentToken = EnrollmentTokenEntry;

/** One catalog fact as the tool detail carries it: a value, its source and when it was checked. */
export interface Fact<T> {
  value: T;
  source: string;
  checked: string;
}
