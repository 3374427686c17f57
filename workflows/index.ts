// The workflows the workers run: the worker bundles this file, and every function exported here is a workflow type.
export { customerOnboarding } from './customer-onboarding';
export { orderToCash } from './order-to-cash';
export { contractApproval } from './contract-approval';
export { hireToOnboard } from './hire-to-onboard';
