/*
 * The admin API between the worker and the dashboard (worker/ADMIN-API.md describes the
 * routes), one module per part of it under shared/admin/; the conventions are in common.ts.
 */
export * from "./admin/awareness";
export * from "./admin/common";
export * from "./admin/evidence";
export * from "./admin/fleet";
export * from "./admin/guard";
export * from "./admin/literacy";
export * from "./admin/organization";
export * from "./admin/review-queue";
export * from "./admin/usage";
