// Type-checked only: outside the workerd condition TokenStoreObject is not exported.
// @ts-expect-error TokenStoreObject exists only in the workerd entry
import { TokenStoreObject } from "crm-auth";

export { TokenStoreObject };
