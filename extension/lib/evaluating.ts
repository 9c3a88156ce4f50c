import { EVALUATING_MARK, markNow } from "./marks";

/*
 * Imported first by the background's entry point, so it runs before the modules of the
 * service worker's bundle that come after it: from this mark to STARTED_MARK is what
 * evaluating the worker's code and registering its listeners takes.
 */
markNow(EVALUATING_MARK);
