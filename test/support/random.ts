// The generator lives with the demo organization's seed, which runs outside the tests too.
export { seededRandom } from "../../worker/dev/random";
