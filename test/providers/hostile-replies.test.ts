import { describeHostileReplies } from './support/hostile.js';
import { VENDORS } from './support/vendors.js';

// Every HTTP and SDK connector against replies no vendor documents (issue #13): one table, one rule.
for (const vendor of VENDORS) describeHostileReplies(vendor);
